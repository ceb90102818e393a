package io.routingpools.sample.servedby;

import org.jspecify.annotations.Nullable;

/**
 * The database node that served a piece of work.
 *
 * @param node the node's {@code cluster_name} (on servers without one, its address)
 * @param replica whether the node is a replica ({@code pg_is_in_recovery()})
 * @param port the node's port ({@code inet_server_port()}); {@code null} over a Unix
 * socket
 */
public record ServedBy(@Nullable String node, boolean replica, @Nullable Integer port) {
}
