package io.routingpools.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.TestReplicaStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code routingpools.*} meters follow the monitor's findings and the failover
 * counts.
 */
class RoutingPoolsMetersTests {

	private final NamedPools pools = TestPools.withReplicaWeights(1, 1);

	private final ReplicaStates states = new ReplicaStates(this.pools, Clock.systemUTC());

	private final FailoverCounts counts = new FailoverCounts(this.pools);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final NamedPool replica1 = Objects.requireNonNull(this.pools.find("replica-1"));

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void bindsLagAndStateGaugesPerReplica() {
		bind();
		assertThat(this.registry.find(RoutingPoolsMeters.LAG_BYTES).gauges())
			.map((gauge) -> gauge.getId().getTag("pool"))
			.containsExactlyInAnyOrder("replica-1", "replica-2");
		assertThat(this.registry.find(RoutingPoolsMeters.LAG_SECONDS).gauges())
			.map((gauge) -> gauge.getId().getTag("pool"))
			.containsExactlyInAnyOrder("replica-1", "replica-2");
		assertThat(this.registry.find(RoutingPoolsMeters.STATE).tag("pool", "replica-1").gauges())
			.map((gauge) -> gauge.getId().getTag("state"))
			.containsExactlyInAnyOrder("up", "lagging", "down", "not-a-replica", "drained");
	}

	@Test
	void lagGaugesHaveBaseUnits() {
		bind();
		assertThat(
				this.registry.get(RoutingPoolsMeters.LAG_BYTES).tag("pool", "replica-1").gauge().getId().getBaseUnit())
			.isEqualTo("bytes");
		assertThat(this.registry.get(RoutingPoolsMeters.LAG_SECONDS)
			.tag("pool", "replica-1")
			.gauge()
			.getId()
			.getBaseUnit()).isEqualTo("seconds");
	}

	@Test
	void lagGaugesAreNaNWhileUnknown() {
		bind();
		assertThat(lagBytes("replica-1")).isNaN();
		assertThat(lagSeconds("replica-1")).isNaN();
	}

	@Test
	void lagGaugesFollowTheMonitorsFindings() {
		bind();
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.LAGGING, "0/3000060", 4096L,
				Duration.ofMillis(2500), true);
		assertThat(lagBytes("replica-1")).isEqualTo(4096.0);
		assertThat(lagSeconds("replica-1")).isEqualTo(2.5);
		assertThat(lagBytes("replica-2")).isNaN();
	}

	@Test
	void stateGaugeIsOneForTheCurrentStateOnly() {
		bind();
		assertThat(state("replica-1", "up")).isOne();
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.NOT_A_REPLICA, "promoted");
		assertThat(state("replica-1", "not-a-replica")).isOne();
		assertThat(state("replica-1", "up")).isZero();
		assertThat(state("replica-1", "down")).isZero();
		assertThat(state("replica-2", "up")).isOne();
	}

	@Test
	void bindsAFailoverCounterPerPoolAndCause() {
		bind();
		assertThat(this.registry.find(RoutingPoolsMeters.FAILOVERS).functionCounters()).hasSize(4 * 6);
		assertThat(this.registry.find(RoutingPoolsMeters.FAILOVERS).tag("pool", "replica-1").functionCounters())
			.map((counter) -> counter.getId().getTag("cause"))
			.containsExactlyInAnyOrder("down", "lagging", "not-a-replica", "connection-error", "demotion", "re-run");
	}

	@Test
	void failoverCounterMovesWithEvents() {
		bind();
		this.counts.failover(this.replica1, FailoverCause.CONNECTION_ERROR);
		assertThat(failovers("replica-1", "connection-error")).isOne();
		assertThat(failovers("replica-1", "down")).isZero();
		assertThat(failovers("replica-2", "connection-error")).isZero();
	}

	@Test
	void eventsCountedBeforeTheRegistryBindsAreKept() {
		this.counts.failover(this.pools.primary(), FailoverCause.DEMOTION);
		this.counts.standbyCancellation(this.replica1);
		bind();
		assertThat(failovers("primary", "demotion")).isOne();
		assertThat(this.registry.get(RoutingPoolsMeters.STANDBY_CANCELLATIONS)
			.tag("pool", "replica-1")
			.functionCounter()
			.count()).isOne();
	}

	@Test
	void bindsAStandbyCancellationCounterPerReplica() {
		bind();
		assertThat(this.registry.find(RoutingPoolsMeters.STANDBY_CANCELLATIONS).functionCounters())
			.map((counter) -> counter.getId().getTag("pool"))
			.containsExactlyInAnyOrder("replica-1", "replica-2");
	}

	@Test
	void bindsNoCounterWithoutFailoverCounts() {
		new RoutingPoolsMeters(this.pools, this.states, null, List.of()).bindTo(this.registry);
		assertThat(this.registry.getMeters()).map(Meter::getId)
			.map(Meter.Id::getName)
			.doesNotContain(RoutingPoolsMeters.FAILOVERS, RoutingPoolsMeters.STANDBY_CANCELLATIONS)
			.contains(RoutingPoolsMeters.STATE);
	}

	private void bind() {
		new RoutingPoolsMeters(this.pools, this.states, this.counts, List.of()).bindTo(this.registry);
	}

	private double lagBytes(String pool) {
		return this.registry.get(RoutingPoolsMeters.LAG_BYTES).tag("pool", pool).gauge().value();
	}

	private double lagSeconds(String pool) {
		return this.registry.get(RoutingPoolsMeters.LAG_SECONDS).tag("pool", pool).gauge().value();
	}

	private double state(String pool, String state) {
		return this.registry.get(RoutingPoolsMeters.STATE).tag("pool", pool).tag("state", state).gauge().value();
	}

	private double failovers(String pool, String cause) {
		return this.registry.get(RoutingPoolsMeters.FAILOVERS)
			.tag("pool", pool)
			.tag("cause", cause)
			.functionCounter()
			.count();
	}

}
