package io.routingpools.replica;

import java.util.List;

import io.routingpools.pool.NamedPool;

/**
 * Chooses which replica serves the next read-only transaction. Called on the connection
 * hot path: implementations must be thread-safe, allocation-free and lock-free.
 */
@FunctionalInterface
public interface LoadBalancer {

	/**
	 * Choose one of the candidates.
	 * @param candidates the eligible replicas, never empty
	 * @return one of the candidates
	 */
	NamedPool choose(List<NamedPool> candidates);

}
