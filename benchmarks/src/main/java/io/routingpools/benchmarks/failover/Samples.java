package io.routingpools.benchmarks.failover;

import java.util.Arrays;

/** Measured values, for percentiles. Not thread-safe. */
final class Samples {

	private long[] values = new long[64];

	private int size;

	void add(long value) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = value;
	}

	int size() {
		return this.size;
	}

	/** Nearest-rank percentile; 0 without samples. */
	long percentile(int percent) {
		if (this.size == 0) {
			return 0;
		}
		long[] sorted = Arrays.copyOf(this.values, this.size);
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(percent / 100.0 * this.size);
		return sorted[Math.max(0, rank - 1)];
	}

	long max() {
		return percentile(100);
	}

}
