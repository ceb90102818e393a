package io.routingpools.replica;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.routingpools.pool.NamedPool;

/**
 * Takes the candidate with the fewest connections borrowed through the router, relative
 * to its weight; ties are broken at random so that idle replicas share the load.
 */
public final class LeastActiveLoadBalancer implements LoadBalancer {

	@Override
	public NamedPool choose(List<NamedPool> candidates) {
		int size = candidates.size();
		int start = (size > 1) ? ThreadLocalRandom.current().nextInt(size) : 0;
		NamedPool best = candidates.get(start);
		long bestScore = score(best);
		for (int i = 1; i < size; i++) {
			NamedPool candidate = candidates.get((start + i) % size);
			long score = score(candidate);
			if (score < bestScore) {
				best = candidate;
				bestScore = score;
			}
		}
		return best;
	}

	// Active connections per unit of weight, scaled up so that integer division keeps
	// enough precision to tell pools apart.
	private static long score(NamedPool pool) {
		return (pool.borrowedConnections() << 16) / pool.weight();
	}

}
