package io.routingpools.replica;

import org.jspecify.annotations.Nullable;

/**
 * The primary's WAL positions as the monitor sampled them, with when each was last seen:
 * how far behind a replica is, in bytes and in time, without trusting the timestamp of
 * the last replayed transaction (on an idle primary,
 * {@code now() - pg_last_xact_replay_timestamp()} grows although nothing is left to
 * replay).
 * <p>
 * A replica's replay lag is the time since the primary was last seen at a position the
 * replica has replayed: zero when it has replayed the latest sample, otherwise an upper
 * bound, overstated by at most one check interval, so that a replica past the limit is
 * found at its next check. Samples older than the history are counted from the oldest
 * kept. Thread-safe: written by the primary's check, read by the replicas' checks.
 */
final class PrimaryPositions {

	private final long[] positions;

	// When each position was last seen: an idle primary refreshes its latest sample.
	private final long[] lastSeenNanos;

	private int next;

	private int size;

	/**
	 * Keep the given number of samples.
	 * @param capacity how many samples to keep; enough to cover more than the lag limit
	 */
	PrimaryPositions(int capacity) {
		this.positions = new long[capacity];
		this.lastSeenNanos = new long[capacity];
	}

	/**
	 * Record the primary's current WAL position.
	 * @param position byte position from {@code pg_current_wal_lsn()}
	 * @param nanos when it was read, on {@link System#nanoTime()}'s scale
	 */
	synchronized void sample(long position, long nanos) {
		if (this.size > 0) {
			int newest = newest();
			if (position <= this.positions[newest]) {
				this.lastSeenNanos[newest] = nanos;
				return;
			}
		}
		this.positions[this.next] = position;
		this.lastSeenNanos[this.next] = nanos;
		this.next = (this.next + 1) % this.positions.length;
		this.size = Math.min(this.size + 1, this.positions.length);
	}

	/**
	 * Forget every sample: the primary changed or cannot be reached, so its old positions
	 * say nothing about the replicas any more.
	 */
	synchronized void clear() {
		this.size = 0;
		this.next = 0;
	}

	/**
	 * How far a replica that has replayed up to the given position is behind.
	 * @param replayed byte position from {@code pg_last_wal_replay_lsn()}
	 * @param nowNanos the current time on {@link System#nanoTime()}'s scale
	 * @param maxSampleAgeNanos samples older than this are too stale to judge by
	 * @return the lag, or {@code null} when no recent sample of the primary exists
	 */
	synchronized @Nullable Lag lagOf(long replayed, long nowNanos, long maxSampleAgeNanos) {
		if (this.size == 0) {
			return null;
		}
		int newest = newest();
		if (nowNanos - this.lastSeenNanos[newest] > maxSampleAgeNanos) {
			return null;
		}
		if (replayed >= this.positions[newest]) {
			return new Lag(0, 0);
		}
		int index = newest;
		for (int i = 1; i < this.size; i++) {
			index = (newest - i + this.positions.length) % this.positions.length;
			if (this.positions[index] <= replayed) {
				break;
			}
		}
		return new Lag(this.positions[newest] - replayed, Math.max(0, nowNanos - this.lastSeenNanos[index]));
	}

	private int newest() {
		return (this.next + this.positions.length - 1) % this.positions.length;
	}

	/**
	 * A replica's replay lag.
	 *
	 * @param bytes WAL bytes on the primary not yet replayed
	 * @param nanos how long ago the primary was last seen at a position the replica has
	 * replayed
	 */
	record Lag(long bytes, long nanos) {
	}

}
