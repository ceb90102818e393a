package io.routingpools.replica;

import io.routingpools.pool.NamedPool;

/**
 * Told when work moves off a node and when a hot standby cancels a query, so that they
 * can be counted ({@code routingpools.failovers},
 * {@code routingpools.standby.cancellations}). Called from request threads and from the
 * replica monitor: implementations must be thread-safe, cheap and must not throw.
 */
public interface FailoverEvents {

	/** Counts nothing. */
	FailoverEvents NONE = new FailoverEvents() {
	};

	/**
	 * Work moved off a node, or a node was taken out of rotation.
	 * @param pool the pool of the node
	 * @param cause why
	 */
	default void failover(NamedPool pool, FailoverCause cause) {
	}

	/**
	 * A statement on a replica was canceled because of a conflict with recovery (SQLSTATE
	 * 40001 on a hot standby).
	 * @param replica the replica's pool
	 */
	default void standbyCancellation(NamedPool replica) {
	}

}
