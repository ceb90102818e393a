package io.routingpools.benchmarks.failover;

import java.util.Arrays;

/**
 * Measured values, for percentiles. Not thread-safe: threads that measure keep one each
 * and {@link #addAll(Samples) merge} them. Shared by the consistency harness.
 */
public final class Samples {

	private long[] values = new long[64];

	private int size;

	public void add(long value) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = value;
	}

	/**
	 * Add every value of other samples.
	 * @param other the samples to add
	 */
	public void addAll(Samples other) {
		for (int i = 0; i < other.size; i++) {
			add(other.values[i]);
		}
	}

	public int size() {
		return this.size;
	}

	/** Nearest-rank percentile; 0 without samples. */
	public long percentile(int percent) {
		if (this.size == 0) {
			return 0;
		}
		long[] sorted = Arrays.copyOf(this.values, this.size);
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(percent / 100.0 * this.size);
		return sorted[Math.max(0, rank - 1)];
	}

	public long max() {
		return percentile(100);
	}

}
