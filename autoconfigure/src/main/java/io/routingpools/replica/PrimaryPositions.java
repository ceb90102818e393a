package io.routingpools.replica;

import org.jspecify.annotations.Nullable;

/**
 * The primary's WAL positions as the monitor sampled them, with when: how far behind a
 * replica is, in bytes and in time, without trusting timestamps of the last replayed
 * transaction (on an idle primary, {@code now() - pg_last_xact_replay_timestamp()} grows
 * although nothing is left to replay).
 * <p>
 * A replica's replay lag is the age of the oldest sample the replica has not replayed:
 * zero when it has replayed the latest sample, and understated by at most one check
 * interval otherwise. Samples older than the history are counted from the oldest kept.
 * Thread-safe: written by the primary's check, read by the replicas' checks.
 */
final class PrimaryPositions {

	private final long[] positions;

	private final long[] sampledAtNanos;

	private int next;

	private int size;

	private long latestSampleNanos;

	/**
	 * Keep the given number of samples.
	 * @param capacity how many samples to keep; enough to cover more than the lag limit
	 */
	PrimaryPositions(int capacity) {
		this.positions = new long[capacity];
		this.sampledAtNanos = new long[capacity];
	}

	/**
	 * Record the primary's current WAL position. A sample that does not advance the
	 * position only refreshes when the latest one was taken.
	 * @param position byte position from {@code pg_current_wal_lsn()}
	 * @param nanos when it was read, on {@link System#nanoTime()}'s scale
	 */
	synchronized void sample(long position, long nanos) {
		this.latestSampleNanos = nanos;
		if (this.size > 0
				&& position <= this.positions[(this.next + this.positions.length - 1) % this.positions.length]) {
			return;
		}
		this.positions[this.next] = position;
		this.sampledAtNanos[this.next] = nanos;
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
		if (this.size == 0 || nowNanos - this.latestSampleNanos > maxSampleAgeNanos) {
			return null;
		}
		int newest = (this.next + this.positions.length - 1) % this.positions.length;
		if (replayed >= this.positions[newest]) {
			return new Lag(0, 0);
		}
		long behindSince = this.sampledAtNanos[newest];
		for (int i = 0; i < this.size; i++) {
			int index = (newest - i + this.positions.length) % this.positions.length;
			if (this.positions[index] <= replayed) {
				break;
			}
			behindSince = this.sampledAtNanos[index];
		}
		return new Lag(this.positions[newest] - replayed, Math.max(0, nowNanos - behindSince));
	}

	/**
	 * A replica's replay lag.
	 *
	 * @param bytes WAL bytes on the primary not yet replayed
	 * @param nanos how long the oldest of them has been on the primary
	 */
	record Lag(long bytes, long nanos) {
	}

}
