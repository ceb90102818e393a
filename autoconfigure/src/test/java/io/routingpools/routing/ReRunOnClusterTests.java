package io.routingpools.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.pool.NamedPool;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Transactions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads that lose their replica before returning anything are re-run on another node
 * (docs/failover.md): a replica crashed ({@code kill -9}) or restarted (fast shutdown)
 * under readers. These tests destroy replicas, so they run on a cluster of their own.
 */
class ReRunOnClusterTests {

	private static final Duration LONG = Duration.ofSeconds(90);

	// Eight readers share small pools, as the cluster tests' properties make them.
	private static final int READERS = 8;

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedPostgresCluster.builder().replicas(2).start();
		// Without the replica monitor, which could take the replica out and evict its
		// connections before any reader meets one: these tests prove the request path's
		// re-runs. ReplicaFailuresOnClusterTests proves the two together.
		runner = ClusterApplications
			.jdbc(cluster, "routing-pools.defaults.maximum-pool-size=" + READERS, "routing-pools.health.enabled=false")
			.withBean(CountedFailovers.class, CountedFailovers::new);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void readsSurviveAReplicaCrashUnderLoadAndReachItAgainOnceItIsBack() {
		PostgresNode crashed = cluster.replicas().get(0);
		runner.run((context) -> {
			crashUnderReaders(context, crashed, cluster.replicas().get(1));
			assertThat(context.getBean(CountedFailovers.class).reRuns(crashed.name()))
				.as("reads on the crashed replica's connections were re-run")
				.isPositive();
		});
	}

	@Test
	void withTheMonitorOnNoReadFailsWhenAReplicaCrashesUnderLoad() {
		runner.withPropertyValues("routing-pools.health.enabled=true", "routing-pools.health.check-interval=100ms")
			.run((context) -> crashUnderReaders(context, cluster.replicas().get(0), cluster.replicas().get(1)));
	}

	/**
	 * Kill a replica while the readers read from both, start it again, and check that no
	 * read failed and that reads reach it again.
	 */
	private static void crashUnderReaders(ApplicationContext context, PostgresNode crashed, PostgresNode other) {
		try (Readers readers = new Readers(context)) {
			readers.awaitReadsOn(crashed.name(), 20);
			readers.awaitReadsOn(other.name(), 20);
			try {
				crashed.kill();
				readers.awaitReadsOn(other.name(), 200);
			}
			finally {
				crashed.start();
			}
			readers.awaitReadsOn(crashed.name(), 20);
			readers.assertNoReadFailed();
		}
	}

	@Test
	void readsSurviveAReplicaRestartAndItsLostConnectionsAreEvicted() {
		PostgresNode restarted = cluster.replicas().get(1);
		PostgresNode other = cluster.replicas().get(0);
		runner.run((context) -> {
			Set<Integer> pidsBefore;
			try (Readers readers = new Readers(context)) {
				readers.awaitReadsOn(restarted.name(), 20);
				readers.awaitReadsOn(other.name(), 20);
				pidsBefore = readers.pidsOn(restarted.name());
				restarted.restart();
				readers.clearPids();
				readers.awaitReadsOn(restarted.name(), 50);
				readers.assertNoReadFailed();
				assertThat(readers.pidsOn(restarted.name()))
					.as("connections to the restarted replica are new ones, the lost ones evicted")
					.doesNotContainAnyElementsOf(pidsBefore);
			}
			assertThat(context.getBean(CountedFailovers.class).reRuns(restarted.name()))
				.as("reads on the restarted replica's pooled connections were re-run")
				.isPositive();
			// Whatever the pool still holds for the restarted replica works: nothing lost
			// was left in it. Explicitly routed reads are never re-run, so a lost
			// connection would fail here.
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			for (int i = 0; i < 2 * READERS; i++) {
				assertThat(PoolRouting.using(restarted.name(),
						() -> jdbc.queryForObject("select pg_is_in_recovery()", Boolean.class)))
					.isTrue();
			}
		});
	}

	/**
	 * Reader threads running read-only transactions in a loop, each reading which node
	 * and backend served it.
	 */
	private static final class Readers implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

		private final Map<String, Set<Integer>> pids = new ConcurrentHashMap<>();

		private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

		private final List<Thread> threads = new ArrayList<>();

		Readers(ApplicationContext context) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			for (int i = 0; i < READERS; i++) {
				Thread thread = new Thread(() -> read(jdbc, readOnly), "reader-" + i);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
		}

		private void read(JdbcTemplate jdbc, TransactionTemplate readOnly) {
			while (this.running.get()) {
				try {
					readOnly.executeWithoutResult((status) -> {
						// Each read spends most of its time in its statement, so that a
						// crash
						// or a shutdown meets reads in flight: they must be re-run.
						Map<String, Object> row = jdbc.queryForMap("select current_setting('cluster_name') as node, "
								+ "pg_backend_pid() as pid, ?::int as one from pg_sleep(0.02)", 1);
						String node = (String) row.get("node");
						this.reads.computeIfAbsent(node, (key) -> new AtomicInteger()).incrementAndGet();
						this.pids.computeIfAbsent(node, (key) -> ConcurrentHashMap.newKeySet())
							.add((Integer) row.get("pid"));
					});
				}
				catch (RuntimeException ex) {
					this.failures.add(ex);
				}
			}
		}

		void awaitReadsOn(String node, int more) {
			int target = reads(node) + more;
			Awaitility.await()
				.atMost(LONG)
				.failFast("a read failed", () -> !this.failures.isEmpty())
				.until(() -> reads(node) >= target);
		}

		private int reads(String node) {
			AtomicInteger count = this.reads.get(node);
			return (count != null) ? count.get() : 0;
		}

		Set<Integer> pidsOn(String node) {
			return Set.copyOf(this.pids.getOrDefault(node, Set.of()));
		}

		void clearPids() {
			this.pids.clear();
		}

		void assertNoReadFailed() {
			assertThat(this.failures).isEmpty();
		}

		@Override
		public void close() {
			this.running.set(false);
			for (Thread thread : this.threads) {
				try {
					thread.join(LONG.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

	}

	/**
	 * Counts re-runs per pool, as the starter's meters will.
	 */
	static final class CountedFailovers implements FailoverEvents {

		private final Map<String, AtomicInteger> reRuns = new ConcurrentHashMap<>();

		@Override
		public void failover(NamedPool pool, FailoverCause cause) {
			if (cause == FailoverCause.RE_RUN) {
				this.reRuns.computeIfAbsent(pool.name(), (key) -> new AtomicInteger()).incrementAndGet();
			}
		}

		int reRuns(String pool) {
			AtomicInteger count = this.reRuns.get(pool);
			return (count != null) ? count.get() : 0;
		}

	}

}
