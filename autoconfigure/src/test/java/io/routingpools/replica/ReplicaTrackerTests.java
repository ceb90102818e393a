package io.routingpools.replica;

import java.time.Duration;
import java.time.Instant;

import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaTrackerTests {

	private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

	private final NamedPools pools = TestPools.withReplicaWeights(1);

	private final ReplicaTracker tracker = new ReplicaTracker(this.pools.replicas().get(0),
			new MonitorSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofSeconds(5), 1000, 2, 2),
			ReplicaStatus.notCheckedYet("replica-1", NOW));

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void leavingRotationTakesTheConfiguredFailedChecksInARow() {
		assertThat(observe(down()).state()).isEqualTo(ReplicaState.UP);
		assertThat(observe(up(true)).state()).isEqualTo(ReplicaState.UP);
		assertThat(observe(down()).state()).isEqualTo(ReplicaState.UP);
		assertThat(observe(down()).state()).isEqualTo(ReplicaState.DOWN);
	}

	@Test
	void returningTakesTheConfiguredPassedChecksInARowEachCaughtUp() {
		observe(down());
		observe(down());
		assertThat(observe(up(true)).state()).isEqualTo(ReplicaState.DOWN);
		assertThat(observe(up(false)).state()).isEqualTo(ReplicaState.DOWN);
		assertThat(observe(up(true)).state()).isEqualTo(ReplicaState.DOWN);
		ReplicaStatus back = observe(up(true));
		assertThat(back.state()).isEqualTo(ReplicaState.UP);
		assertThat(back.since()).isAfter(NOW);
	}

	@Test
	void outOfRotationTheStateFollowsWhatIsWrongNow() {
		observe(down());
		observe(down());
		assertThat(observe(
				new Observation(ReplicaState.LAGGING, "behind", false, "0/1", 5000L, Duration.ofSeconds(9), true))
			.state()).isEqualTo(ReplicaState.LAGGING);
	}

	@Test
	void aDrainHoldsWhateverTheChecksFindUntilUndrained() {
		observe(up(true));
		assertThat(this.tracker.drain(NOW).state()).isEqualTo(ReplicaState.DRAINED);
		observe(down());
		observe(down());
		ReplicaStatus drained = observe(up(true));
		assertThat(drained.state()).isEqualTo(ReplicaState.DRAINED);
		assertThat(drained.reason()).isEqualTo("drained by an operator");
		assertThat(this.tracker.undrain(NOW).state()).isEqualTo(ReplicaState.UP);
	}

	@Test
	void undrainingAReplicaWhoseLastCheckFailedLeavesItOutOfRotation() {
		this.tracker.drain(NOW);
		observe(down());
		assertThat(this.tracker.undrain(NOW).state()).isEqualTo(ReplicaState.DOWN);
	}

	private ReplicaStatus observe(Observation observation) {
		return this.tracker.observe(observation, NOW.plusSeconds(1));
	}

	private static Observation down() {
		return Observation.down("probe failed");
	}

	private static Observation up(boolean caughtUp) {
		return new Observation(ReplicaState.UP, "fine", caughtUp, "0/1", 0L, Duration.ZERO, true);
	}

}
