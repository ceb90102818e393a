package io.routingpools.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Settings of one replica pool: a pool's settings plus its share of the reads.
 */
public class ReplicaProperties extends PoolProperties {

	/**
	 * Relative share of reads for the weighted-random balancer, and the divisor of active
	 * connections for least-active. Defaults to 1.
	 */
	private @Nullable Integer weight;

	public @Nullable Integer getWeight() {
		return this.weight;
	}

	public void setWeight(@Nullable Integer weight) {
		this.weight = weight;
	}

}
