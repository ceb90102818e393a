package io.routingpools.replica;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.routingpools.RoutingPools;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.pool.NamedPools;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replica monitor on the shared cluster, with faults that are undone: replay paused
 * and resumed, a replica drained and undrained. The monitor's own timing goals are
 * measured by the benchmarks' failover harness; these tests wait on conditions.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class ReplicaMonitorOnClusterTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster shared) {
		cluster = shared;
		runner = ClusterApplications.jdbc(cluster, "routing-pools.health.check-interval=100ms")
			.withInitializer((context) -> Nodes.execute(cluster.primary(),
					"create table if not exists monitor_writes (id serial primary key, payload text)"));
	}

	@AfterEach
	void resumeReplay() {
		Nodes.resumeReplay(cluster);
	}

	@Test
	void caughtUpReplicasStayUpWhileThePrimaryIsIdle() {
		runner.withPropertyValues("routing-pools.health.max-replication-lag=300ms").run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			cluster.awaitReplication();
			await().atMost(PATIENCE).until(() -> states.all().stream().allMatch((status) -> checkedAndUp(status)));
			// Several times the lag limit with nothing written: lag stays zero.
			await().during(Duration.ofSeconds(1))
				.atMost(PATIENCE)
				.until(() -> states.all()
					.stream()
					.allMatch((status) -> checkedAndUp(status) && Long.valueOf(0).equals(status.replayLagBytes())
							&& Duration.ZERO.equals(status.replayLag())));
		});
	}

	@Test
	void pausedReplayUnderWritesIsLaggingPastMaxReplicationLagAndReturnsWhenResumed() {
		runner.withPropertyValues("routing-pools.health.max-replication-lag=1s").run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			NamedPools pools = context.getBean(NamedPools.class);
			PostgresNode paused = cluster.replicas().get(0);
			await().atMost(PATIENCE).until(() -> states.all().stream().allMatch((status) -> checkedAndUp(status)));
			Writer writer = new Writer();
			try {
				paused.pauseReplay();
				await().atMost(PATIENCE)
					.until(() -> states.status(pools.find(paused.name())).state() == ReplicaState.LAGGING);
				ReplicaStatus lagging = states.status(pools.find(paused.name()));
				assertThat(lagging.replayLag()).isGreaterThan(Duration.ofSeconds(1));
				assertThat(lagging.reason()).contains("max-replication-lag");
				paused.resumeReplay();
				await().atMost(PATIENCE)
					.until(() -> states.status(pools.find(paused.name())).state() == ReplicaState.UP);
			}
			finally {
				writer.stop();
			}
		});
	}

	@Test
	void pausedReplayIsLaggingPastMaxReplicationLagBytes() {
		runner
			.withPropertyValues("routing-pools.health.max-replication-lag=1h",
					"routing-pools.health.max-replication-lag-bytes=64KB")
			.run((context) -> {
				ReplicaStates states = context.getBean(ReplicaStates.class);
				NamedPools pools = context.getBean(NamedPools.class);
				PostgresNode paused = cluster.replicas().get(0);
				await().atMost(PATIENCE).until(() -> states.all().stream().allMatch((status) -> checkedAndUp(status)));
				paused.pauseReplay();
				Nodes.execute(cluster.primary(), "insert into monitor_writes (payload) select repeat('x', 1000) "
						+ "from generate_series(1, 1000)");
				await().atMost(PATIENCE)
					.until(() -> states.status(pools.find(paused.name())).state() == ReplicaState.LAGGING);
				assertThat(states.status(pools.find(paused.name())).replayLagBytes()).isGreaterThan(64 * 1024);
				paused.resumeReplay();
				await().atMost(PATIENCE)
					.until(() -> states.status(pools.find(paused.name())).state() == ReplicaState.UP);
			});
	}

	@Test
	void readOnlyWorkAvoidsALaggingReplica() {
		runner.withPropertyValues("routing-pools.health.max-replication-lag-bytes=64KB").run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			NamedPools pools = context.getBean(NamedPools.class);
			PostgresNode paused = cluster.replicas().get(0);
			await().atMost(PATIENCE).until(() -> states.all().stream().allMatch((status) -> checkedAndUp(status)));
			paused.pauseReplay();
			Nodes.execute(cluster.primary(),
					"insert into monitor_writes (payload) select repeat('x', 1000) from generate_series(1, 1000)");
			await().atMost(PATIENCE)
				.until(() -> states.status(pools.find(paused.name())).state() == ReplicaState.LAGGING);
			for (int i = 0; i < 10; i++) {
				assertThat(servedBy(context).node()).isEqualTo(cluster.replicas().get(1).name());
			}
		});
	}

	@Test
	void aDrainedReplicaServesNoReadsUntilUndrained() {
		runner.run((context) -> {
			RoutingPools routingPools = context.getBean(RoutingPools.class);
			ReplicaStates states = context.getBean(ReplicaStates.class);
			await().atMost(PATIENCE).until(() -> states.all().stream().allMatch((status) -> checkedAndUp(status)));
			String drained = cluster.replicas().get(0).name();
			assertThat(routingPools.drain(drained).state()).isEqualTo(ReplicaState.DRAINED);
			for (int i = 0; i < 10; i++) {
				assertThat(servedBy(context).node()).isEqualTo(cluster.replicas().get(1).name());
			}
			assertThat(routingPools.undrain(drained).state()).isEqualTo(ReplicaState.UP);
			await().atMost(PATIENCE).until(() -> servedBy(context).node().equals(drained));
		});
	}

	@Test
	void theMonitorNeverBorrowsFromTheUserPools() {
		runner.run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			NamedPools pools = context.getBean(NamedPools.class);
			await().atMost(PATIENCE).until(() -> states.all().stream().allMatch((status) -> checkedAndUp(status)));
			await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> {
				for (var pool : pools.all()) {
					if (pool.dataSource().getHikariPoolMXBean().getTotalConnections() != 0) {
						return false;
					}
				}
				return true;
			});
			assertThat(Integer.parseInt(query(cluster.replicas().get(0),
					"select count(*) from pg_stat_activity where application_name = 'routing-pools-monitor'")))
				.isPositive();
		});
	}

	@Test
	void anOrdinaryRoleCanMonitorWithoutSeeingTheWalReceiver() {
		Nodes.execute(cluster.primary(),
				"do $$ begin if not exists (select from pg_roles where rolname = 'monitor_plain') "
						+ "then create role monitor_plain login password 'plain'; end if; end $$");
		cluster.awaitReplication();
		runner
			.withPropertyValues("routing-pools.defaults.username=monitor_plain",
					"routing-pools.defaults.password=plain")
			.run((context) -> {
				ReplicaStates states = context.getBean(ReplicaStates.class);
				// The first checks of the replicas may come before the primary's first
				// sample.
				await().atMost(PATIENCE)
					.until(() -> states.all()
						.stream()
						.allMatch((status) -> checkedAndUp(status) && status.replayLagBytes() != null));
				assertThat(states.all()).allSatisfy((status) -> assertThat(status.walReceiverStreaming()).isNull());
				assertThat(states.primary().reachable()).isTrue();
			});
	}

	@Test
	void aRoleWithPgMonitorSeesTheWalReceiverStreaming() {
		runner.run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			await().atMost(PATIENCE)
				.until(() -> states.all()
					.stream()
					.allMatch((status) -> checkedAndUp(status) && Boolean.TRUE.equals(status.walReceiverStreaming())));
		});
	}

	private static boolean checkedAndUp(ReplicaStatus status) {
		return status.checkedAt() != null && status.state() == ReplicaState.UP;
	}

	private static ServedBy servedBy(AssertableApplicationContext context) {
		return Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
			.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
	}

	private static String query(PostgresNode node, String sql) {
		try (var connection = node.connect();
				var statement = connection.createStatement();
				var row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Writes a small row on the primary every few milliseconds until closed. */
	private static final class Writer {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Writer() {
			this.thread = new Thread(() -> {
				try (var connection = cluster.primary().connect();
						var insert = connection.prepareStatement("insert into monitor_writes (payload) values ('w')")) {
					while (this.running.get()) {
						insert.executeUpdate();
						LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
					}
				}
				catch (java.sql.SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}, "primary-writer");
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join();
		}

	}

}
