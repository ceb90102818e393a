package io.routingpools.sample.servedby;

/**
 * A result together with the node that produced it, both read in the same transaction.
 *
 * @param value the result
 * @param servedBy the node whose connection produced the result
 * @param <T> the type of the result
 */
public record Served<T>(T value, ServedBy servedBy) {
}
