package io.routingpools.replica;

import java.util.Locale;

/**
 * Where a replica stands in rotation, as the replica monitor last decided (DESIGN section
 * 6). Only {@link #UP} serves reads.
 */
public enum ReplicaState {

	/** Reachable, in recovery and within the replication lag limits: serves reads. */
	UP,

	/**
	 * Reachable but behind the primary by more than {@code max-replication-lag} or
	 * {@code max-replication-lag-bytes}: out of rotation until caught up.
	 */
	LAGGING,

	/** Unreachable, or its probe failed or took longer than {@code probe-timeout}. */
	DOWN,

	/**
	 * Reachable but no longer in recovery ({@code pg_is_in_recovery()} is false): it was
	 * promoted. Out of rotation; its pool still points at it.
	 */
	NOT_A_REPLICA,

	/** Taken out of rotation by an operator until undrained. */
	DRAINED;

	/**
	 * Whether read-only work may be routed to a replica in this state.
	 * @return {@code true} only for {@link #UP}
	 */
	public boolean servesReads() {
		return this == UP;
	}

	/**
	 * The state as written in health details and meter tags: {@code up}, {@code lagging},
	 * {@code down}, {@code not-a-replica}, {@code drained}.
	 * @return the lower-case, hyphenated name
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
