package io.routingpools.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.TestReplicaStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The status and details of each {@code routingPools} component, decided from the
 * monitor's findings and the pools' counters only. The pools never connect.
 */
class RoutingPoolsHealthTests {

	private final NamedPools pools = TestPools.withReplicaWeights(1, 1);

	private final ReplicaStates states = new ReplicaStates(this.pools, Clock.systemUTC());

	private final NamedPool replica1 = replica("replica-1");

	private final NamedPool replica2 = replica("replica-2");

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void componentsArePrimaryEachReplicaAndAdminInStartOrder() {
		assertThat(health(true).pools()).map(NamedPool::name)
			.containsExactly("primary", "replica-1", "replica-2", "admin");
	}

	@Test
	void everyNodeIsUpAndNotCheckedYetBeforeTheMonitorsFirstCheck() {
		RoutingPoolsHealth health = health(false);
		for (NamedPool pool : new NamedPool[] { this.pools.primary(), this.replica1, this.replica2 }) {
			PoolHealth current = health.check(pool);
			assertThat(current.up()).as(pool.name()).isTrue();
			assertThat(current.details()).as(pool.name())
				.containsEntry("state", "not checked yet")
				.containsEntry("reason", "not checked yet")
				.doesNotContainKey("checkedAt");
		}
	}

	@Test
	void primaryFoundUnreachableIsDown() {
		TestReplicaStates.setPrimary(this.states, false, "connection refused");
		PoolHealth primary = health(true).check(this.pools.primary());
		assertThat(primary.up()).isFalse();
		assertThat(primary.details()).containsEntry("state", "down")
			.containsEntry("reason", "connection refused")
			.doesNotContainKey("walLsn");
	}

	@Test
	void primaryFoundReachableIsUpWithItsWalPosition() {
		TestReplicaStates.setPrimary(this.states, true, "reachable");
		PoolHealth primary = health(true).check(this.pools.primary());
		assertThat(primary.up()).isTrue();
		assertThat(primary.details()).containsEntry("state", "up")
			.containsEntry("walLsn", "0/3000060")
			.containsEntry("checkedAt", "2026-01-01T00:00:00Z");
	}

	@ParameterizedTest
	@EnumSource(ReplicaState.class)
	void replicaStateIsShownByItsTagValue(ReplicaState state) {
		TestReplicaStates.set(this.states, this.replica1, state, "why");
		assertThat(health(true).check(this.replica1).details()).containsEntry("state", state.tagValue())
			.containsEntry("reason", "why");
	}

	@Test
	void replicaOutOfRotationStaysUpWhileAnotherReplicaServesReads() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.DOWN, "connection refused");
		TestReplicaStates.set(this.states, this.replica2, ReplicaState.UP, "caught up");
		assertThat(health(false).check(this.replica1).up()).isTrue();
	}

	@Test
	void replicaOutOfRotationStaysUpWhileReadsFallBackToAReachablePrimary() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.DOWN, "connection refused");
		TestReplicaStates.set(this.states, this.replica2, ReplicaState.LAGGING, "behind");
		TestReplicaStates.setPrimary(this.states, true, "reachable");
		RoutingPoolsHealth health = health(true);
		assertThat(health.check(this.replica1).up()).isTrue();
		assertThat(health.check(this.replica2).up()).isTrue();
	}

	@Test
	void replicasAreDownWhenNoneServesReadsAndFallbackIsOff() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.DOWN, "connection refused");
		TestReplicaStates.set(this.states, this.replica2, ReplicaState.DRAINED, "drained by an operator");
		TestReplicaStates.setPrimary(this.states, true, "reachable");
		RoutingPoolsHealth health = health(false);
		assertThat(health.readsServable()).isFalse();
		assertThat(health.check(this.replica1).up()).isFalse();
		assertThat(health.check(this.replica2).up()).isFalse();
		assertThat(health.check(this.pools.primary()).up()).isTrue();
	}

	@Test
	void replicasAreDownWhenNoneServesReadsAndThePrimaryIsUnreachable() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.DOWN, "connection refused");
		TestReplicaStates.set(this.states, this.replica2, ReplicaState.NOT_A_REPLICA, "promoted");
		TestReplicaStates.setPrimary(this.states, false, "connection refused");
		RoutingPoolsHealth health = health(true);
		assertThat(health.check(this.replica1).up()).isFalse();
		assertThat(health.check(this.replica2).up()).isFalse();
	}

	@Test
	void replicaThatServesReadsIsUpEvenWhenThePrimaryIsUnreachable() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.UP, "caught up");
		TestReplicaStates.setPrimary(this.states, false, "connection refused");
		assertThat(health(false).check(this.replica1).up()).isTrue();
	}

	@Test
	void replicaShowsItsReplayPositionLagAndReceiver() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.LAGGING, "0/3000060", 2048L,
				Duration.ofMillis(1500), false);
		assertThat(health(true).check(this.replica1).details()).containsEntry("state", "lagging")
			.containsEntry("replayLsn", "0/3000060")
			.containsEntry("replayLagBytes", 2048L)
			.containsEntry("replayLagSeconds", 1.5)
			.containsEntry("walReceiverStreaming", false)
			.containsEntry("checkedAt", "2026-01-01T00:00:00Z");
	}

	@Test
	void unknownReplicaFiguresAreLeftOut() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.DOWN, "connection refused");
		assertThat(health(true).check(this.replica1).details())
			.doesNotContainKeys("replayLsn", "replayLagBytes", "replayLagSeconds", "walReceiverStreaming")
			.doesNotContainValue(null);
	}

	@Test
	void everyComponentShowsItsPoolCounters() {
		RoutingPoolsHealth health = health(true);
		for (NamedPool pool : health.pools()) {
			assertThat(health.check(pool).details()).as(pool.name())
				.containsEntry("active", 0)
				.containsEntry("idle", 0)
				.containsEntry("waiting", 0)
				.containsEntry("size", 0)
				.containsEntry("maximumPoolSize", pool.dataSource().getMaximumPoolSize());
		}
	}

	@Test
	void adminIsUpWithItsPoolCountersOnly() {
		TestReplicaStates.setPrimary(this.states, false, "connection refused");
		PoolHealth admin = health(true).check(this.pools.admin());
		assertThat(admin.up()).isTrue();
		assertThat(admin.details()).containsOnlyKeys("active", "idle", "waiting", "size", "maximumPoolSize");
	}

	// The pools' URL refuses connections and HikariCP would retry for its 30 s
	// connection timeout: an answer within a second means nothing was borrowed.
	@Test
	void answersAtOnceWithoutBorrowingWhenNoNodeCanBeReached() {
		TestReplicaStates.set(this.states, this.replica1, ReplicaState.DOWN, "connection refused");
		TestReplicaStates.setPrimary(this.states, false, "connection refused");
		RoutingPoolsHealth health = health(true);
		assertTimeoutPreemptively(Duration.ofSeconds(1), () -> health.pools().forEach(health::check));
		assertThat(this.pools.primary().dataSource().getHikariPoolMXBean().getTotalConnections()).isZero();
	}

	private RoutingPoolsHealth health(boolean fallbackToPrimary) {
		return new RoutingPoolsHealth(this.pools, this.states, fallbackToPrimary);
	}

	private NamedPool replica(String name) {
		return Objects.requireNonNull(this.pools.find(name), name);
	}

}
