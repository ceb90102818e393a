package io.routingpools.replica;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What one check of a replica found, and the state it points to.
 *
 * @param verdict the state this check alone points to: never {@code DRAINED}
 * @param reason why, for logs and health details (never a secret)
 * @param caughtUp whether the replica may return to rotation: its lag is at most half of
 * each limit (or unknown because the primary's position is), and its pool can lend a
 * connection
 * @param replayLsn last WAL position replayed, if read
 * @param replayLagBytes WAL bytes not yet replayed, if known
 * @param replayLag age of the oldest WAL not yet replayed, if known
 * @param walReceiverStreaming whether a WAL receiver streams, if visible
 */
record Observation(ReplicaState verdict, String reason, boolean caughtUp, @Nullable String replayLsn,
		@Nullable Long replayLagBytes, @Nullable Duration replayLag, @Nullable Boolean walReceiverStreaming) {

	static Observation down(String reason) {
		return new Observation(ReplicaState.DOWN, reason, false, null, null, null, null);
	}

	/**
	 * This observation, not counted as caught up because the replica's pool cannot lend a
	 * connection yet.
	 * @param why what it waits for
	 * @return the same figures, not caught up
	 */
	Observation notReadyToLend(String why) {
		return new Observation(this.verdict, this.reason + "; " + why, false, this.replayLsn, this.replayLagBytes,
				this.replayLag, this.walReceiverStreaming);
	}

}
