package io.routingpools.replica;

import java.time.Duration;
import java.time.Instant;

import io.routingpools.pool.NamedPool;
import org.jspecify.annotations.Nullable;

/**
 * Sets what the replica monitor would have found, for tests of what reads
 * {@link ReplicaStates} (health, meters) without a monitor.
 */
public final class TestReplicaStates {

	private static final Instant CHECKED_AT = Instant.parse("2026-01-01T00:00:00Z");

	private TestReplicaStates() {
	}

	/**
	 * Set a replica's status as a check found it, with no figures.
	 * @param states the states to change
	 * @param replica the replica's pool
	 * @param state its new state
	 * @param reason why
	 */
	public static void set(ReplicaStates states, NamedPool replica, ReplicaState state, String reason) {
		states.set(replica,
				new ReplicaStatus(replica.name(), state, reason, CHECKED_AT, CHECKED_AT, null, null, null, null));
	}

	/**
	 * Set a replica's status as a check found it, with figures.
	 * @param states the states to change
	 * @param replica the replica's pool
	 * @param state its new state
	 * @param replayLsn the replayed position, or {@code null}
	 * @param lagBytes the lag in bytes, or {@code null}
	 * @param lag the lag in time, or {@code null}
	 * @param streaming whether the WAL receiver streams, or {@code null}
	 */
	public static void set(ReplicaStates states, NamedPool replica, ReplicaState state, @Nullable String replayLsn,
			@Nullable Long lagBytes, @Nullable Duration lag, @Nullable Boolean streaming) {
		states.set(replica, new ReplicaStatus(replica.name(), state, "checked", CHECKED_AT, CHECKED_AT, replayLsn,
				lagBytes, lag, streaming));
	}

	/**
	 * Set the primary's status as a check found it.
	 * @param states the states to change
	 * @param reachable whether the check reached it
	 * @param reason what the check found
	 */
	public static void setPrimary(ReplicaStates states, boolean reachable, String reason) {
		states.setPrimary(new PrimaryStatus(reachable, reason, CHECKED_AT, reachable ? "0/3000060" : null));
	}

}
