package io.routingpools.consistency;

/**
 * How reads follow the writes of their scope ({@code routing-pools.consistency.mode}).
 */
public enum ConsistencyMode {

	/**
	 * After a write, a replica may serve the scope's reads once it has replayed the WAL
	 * position the primary had when the write committed.
	 */
	LSN,

	/** After a write, the scope's reads stay on the primary for {@code window}. */
	WINDOW,

	/** Reads do not follow writes: any replica in rotation may serve them. */
	NONE

}
