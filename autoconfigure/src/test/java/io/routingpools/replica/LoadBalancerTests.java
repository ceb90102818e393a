package io.routingpools.replica;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadBalancerTests {

	private NamedPools pools;

	@AfterEach
	void close() {
		this.pools.close();
	}

	@Test
	void roundRobinTakesReplicasInTurn() {
		this.pools = TestPools.withReplicaWeights(1, 1, 1);
		LoadBalancer balancer = new RoundRobinLoadBalancer();
		List<NamedPool> replicas = this.pools.replicas();
		assertThat(List.of(balancer.choose(replicas), balancer.choose(replicas), balancer.choose(replicas),
				balancer.choose(replicas)))
			.map(NamedPool::name)
			.containsExactly("replica-1", "replica-2", "replica-3", "replica-1");
	}

	@Test
	void weightedRandomFollowsTheWeights() {
		this.pools = TestPools.withReplicaWeights(1, 3);
		Map<String, Integer> picks = pick(new WeightedRandomLoadBalancer(), 20_000);
		assertThat(picks.get("replica-2") / 20_000.0).isCloseTo(0.75, within(0.03));
	}

	@Test
	void leastActiveSpreadsIdleReplicasEvenly() {
		this.pools = TestPools.withReplicaWeights(1, 1);
		Map<String, Integer> picks = pick(new LeastActiveLoadBalancer(), 10_000);
		assertThat(picks.get("replica-1") / 10_000.0).isCloseTo(0.5, within(0.05));
	}

	@Test
	void singleCandidateIsAlwaysChosen() {
		this.pools = TestPools.withReplicaWeights(5);
		NamedPool only = this.pools.replicas().get(0);
		for (LoadBalancer balancer : List.of(new RoundRobinLoadBalancer(), new LeastActiveLoadBalancer(),
				new WeightedRandomLoadBalancer())) {
			assertThat(balancer.choose(List.of(only))).isSameAs(only);
		}
	}

	private Map<String, Integer> pick(LoadBalancer balancer, int times) {
		Map<String, Integer> picks = new HashMap<>();
		for (int i = 0; i < times; i++) {
			picks.merge(balancer.choose(this.pools.replicas()).name(), 1, Integer::sum);
		}
		return picks;
	}

}
