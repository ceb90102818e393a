package io.routingpools.replica;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrimaryPositionsTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private static final long STALE = 10 * SECOND;

	private final PrimaryPositions positions = new PrimaryPositions(16);

	@Test
	void aReplicaThatReplayedTheLatestPositionHasNoLag() {
		this.positions.sample(1000, 0);
		this.positions.sample(2000, SECOND);
		assertThat(this.positions.lagOf(2000, 2 * SECOND, STALE)).isEqualTo(new PrimaryPositions.Lag(0, 0));
	}

	@Test
	void anIdlePrimaryKeepsACaughtUpReplicaAtNoLag() {
		this.positions.sample(1000, 0);
		for (int second = 1; second < 60; second++) {
			this.positions.sample(1000, second * SECOND);
		}
		assertThat(this.positions.lagOf(1000, 60 * SECOND, STALE)).isEqualTo(new PrimaryPositions.Lag(0, 0));
	}

	@Test
	void lagIsTheTimeSinceThePrimaryWasLastSeenAtAReplayedPosition() {
		this.positions.sample(1000, 0);
		this.positions.sample(1000, SECOND);
		this.positions.sample(2000, 2 * SECOND);
		this.positions.sample(3000, 3 * SECOND);
		PrimaryPositions.Lag lag = this.positions.lagOf(1500, 4 * SECOND, STALE);
		assertThat(lag.bytes()).isEqualTo(1500);
		assertThat(lag.nanos()).isEqualTo(3 * SECOND);
	}

	@Test
	void aWriteAfterALongIdleTimeDoesNotMakeAReplicaLookBehindByTheIdleTime() {
		this.positions.sample(1000, 0);
		this.positions.sample(1000, 3600 * SECOND);
		this.positions.sample(2000, 3601 * SECOND);
		assertThat(this.positions.lagOf(1000, 3601 * SECOND + SECOND / 2, STALE).nanos())
			.isEqualTo(SECOND + SECOND / 2);
	}

	@Test
	void aReplicaBehindTheWholeHistoryIsCountedFromTheOldestSample() {
		PrimaryPositions short_ = new PrimaryPositions(2);
		short_.sample(1000, 0);
		short_.sample(2000, SECOND);
		short_.sample(3000, 2 * SECOND);
		assertThat(short_.lagOf(500, 5 * SECOND, STALE).nanos()).isEqualTo(4 * SECOND);
	}

	@Test
	void lagIsUnknownWithoutARecentSample() {
		this.positions.sample(1000, 0);
		assertThat(this.positions.lagOf(1000, STALE + 1, STALE)).isNull();
		this.positions.clear();
		assertThat(this.positions.lagOf(1000, 0, STALE)).isNull();
	}

	@Test
	void walPositionsAreParsedAsPostgresWritesThem() {
		assertThat(WalPositions.parse("0/3000148")).isEqualTo(0x3000148L);
		assertThat(WalPositions.parse("1/0")).isEqualTo(1L << 32);
		assertThat(WalPositions.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
	}

}
