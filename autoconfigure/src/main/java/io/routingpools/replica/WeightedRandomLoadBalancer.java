package io.routingpools.replica;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.routingpools.pool.NamedPool;

/**
 * Picks a candidate at random, in proportion to its weight.
 */
public final class WeightedRandomLoadBalancer implements LoadBalancer {

	@Override
	public NamedPool choose(List<NamedPool> candidates) {
		int size = candidates.size();
		if (size == 1) {
			return candidates.get(0);
		}
		int total = 0;
		for (int i = 0; i < size; i++) {
			total += candidates.get(i).weight();
		}
		int ticket = ThreadLocalRandom.current().nextInt(total);
		for (int i = 0; i < size; i++) {
			NamedPool candidate = candidates.get(i);
			ticket -= candidate.weight();
			if (ticket < 0) {
				return candidate;
			}
		}
		return candidates.get(size - 1);
	}

}
