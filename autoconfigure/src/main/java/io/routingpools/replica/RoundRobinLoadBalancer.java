package io.routingpools.replica;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.routingpools.pool.NamedPool;

/**
 * Takes the candidates in turn.
 */
public final class RoundRobinLoadBalancer implements LoadBalancer {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public NamedPool choose(List<NamedPool> candidates) {
		int turn = this.next.getAndIncrement() & Integer.MAX_VALUE;
		return candidates.get(turn % candidates.size());
	}

}
