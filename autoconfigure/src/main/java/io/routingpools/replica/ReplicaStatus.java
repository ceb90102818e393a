package io.routingpools.replica;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the replica monitor last knew of one replica: an immutable snapshot, replaced at
 * every check.
 *
 * @param pool the replica's pool name
 * @param state its state in rotation
 * @param reason why it is in that state, for logs and health details (never a secret)
 * @param since when it entered that state
 * @param checkedAt when it was last checked, or {@code null} before the first check
 * @param replayLsn last WAL position replayed ({@code pg_last_wal_replay_lsn()}), or
 * {@code null} when unknown
 * @param replayLagBytes WAL bytes written on the primary ({@code pg_current_wal_lsn()})
 * and not yet replayed here, or {@code null} when either position is unknown
 * @param replayLag how long ago the monitor last saw the primary at a position this
 * replica has replayed: zero when it has replayed the primary's latest sampled position
 * (so an idle primary does not make a replica look behind), otherwise an upper bound
 * overstated by at most one check interval; {@code null} when unknown
 * @param walReceiverStreaming whether {@code pg_stat_wal_receiver} shows a streaming WAL
 * receiver, or {@code null} when the monitor's role cannot see it (it needs
 * {@code pg_monitor} or {@code pg_read_all_stats}) or the replica was not reached
 */
public record ReplicaStatus(String pool, ReplicaState state, String reason, Instant since, @Nullable Instant checkedAt,
		@Nullable String replayLsn, @Nullable Long replayLagBytes, @Nullable Duration replayLag,
		@Nullable Boolean walReceiverStreaming) {

	/**
	 * The status of a replica not checked yet: in rotation, as the request path's own
	 * suspect marks still guard it.
	 * @param pool the replica's pool name
	 * @param now the current time
	 * @return an {@code UP} status with no figures
	 */
	public static ReplicaStatus notCheckedYet(String pool, Instant now) {
		return new ReplicaStatus(pool, ReplicaState.UP, "not checked yet", now, null, null, null, null, null);
	}

	/**
	 * Replay lag in seconds, for meters and health.
	 * @return the lag in seconds, or {@code null} when unknown
	 */
	public @Nullable Double replayLagSeconds() {
		Duration lag = this.replayLag;
		return (lag != null) ? lag.toNanos() / 1e9 : null;
	}

}
