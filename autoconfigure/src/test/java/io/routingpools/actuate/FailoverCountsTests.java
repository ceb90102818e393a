package io.routingpools.actuate;

import java.util.Objects;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import io.routingpools.replica.FailoverCause;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Failover and standby-cancellation counts, kept per pool and cause.
 */
class FailoverCountsTests {

	private final NamedPools pools = TestPools.withReplicaWeights(1, 1);

	private final FailoverCounts counts = new FailoverCounts(this.pools);

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void countsEachPoolAndCauseApart() {
		NamedPool replica1 = replica("replica-1");
		this.counts.failover(replica1, FailoverCause.DOWN);
		this.counts.failover(replica1, FailoverCause.DOWN);
		this.counts.failover(replica1, FailoverCause.RE_RUN);
		this.counts.failover(this.pools.primary(), FailoverCause.DEMOTION);
		assertThat(this.counts.failovers(replica1, FailoverCause.DOWN)).isEqualTo(2);
		assertThat(this.counts.failovers(replica1, FailoverCause.RE_RUN)).isOne();
		assertThat(this.counts.failovers(replica1, FailoverCause.LAGGING)).isZero();
		assertThat(this.counts.failovers(replica("replica-2"), FailoverCause.DOWN)).isZero();
		assertThat(this.counts.failovers(this.pools.primary(), FailoverCause.DEMOTION)).isOne();
	}

	@Test
	void countsStandbyCancellationsPerReplica() {
		this.counts.standbyCancellation(replica("replica-2"));
		assertThat(this.counts.standbyCancellations(replica("replica-2"))).isOne();
		assertThat(this.counts.standbyCancellations(replica("replica-1"))).isZero();
	}

	@Test
	void ignoresAPoolItDoesNotCount() {
		try (NamedPools more = TestPools.withReplicaWeights(1, 1, 1, 1)) {
			NamedPool stranger = Objects.requireNonNull(more.find("replica-4"));
			assertThatNoException().isThrownBy(() -> {
				this.counts.failover(stranger, FailoverCause.RE_RUN);
				this.counts.standbyCancellation(stranger);
			});
			assertThat(this.counts.failovers(stranger, FailoverCause.RE_RUN)).isZero();
		}
	}

	private NamedPool replica(String name) {
		return Objects.requireNonNull(this.pools.find(name), name);
	}

}
