package io.routingpools.replica;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import io.routingpools.RoutingPools;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.routingpools.autoconfigure.RoutingPoolsMetricsAutoConfiguration;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.FaultProxy;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replica monitor when replicas die, hang or are promoted, on a cluster of this
 * class's own: the last test promotes a replica for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaFailuresOnClusterTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedPostgresCluster.builder().replicas(2).start();
		runner = ClusterApplications.jdbc(cluster, "routing-pools.health.check-interval=100ms");
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	@Order(1)
	void aKilledReplicaIsDownAndReadsMoveToTheOtherUntilItIsBack() {
		runner.run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			PostgresNode killed = cluster.replicas().get(0);
			NamedPool pool = context.getBean(NamedPools.class).find(killed.name());
			awaitAllUp(states);
			killed.kill();
			try {
				await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.DOWN);
				for (int i = 0; i < 10; i++) {
					assertThat(servedBy(context).node()).isEqualTo(cluster.replicas().get(1).name());
				}
			}
			finally {
				killed.start();
			}
			await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.UP);
			await().atMost(PATIENCE).until(() -> servedBy(context).node().equals(killed.name()));
		});
	}

	@Test
	@Order(1)
	void aReplicaThatComesBackReturnsOnlyOnceItsPoolHasConnectedAgain() {
		runner.withPropertyValues("routing-pools.defaults.minimum-idle=2").run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			PostgresNode killed = cluster.replicas().get(0);
			NamedPool pool = context.getBean(NamedPools.class).find(killed.name());
			awaitAllUp(states);
			killed.kill();
			try {
				await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.DOWN);
				await().atMost(PATIENCE)
					.until(() -> pool.dataSource().getHikariPoolMXBean().getTotalConnections() == 0);
				// Long enough for HikariCP's retries to grow seconds apart.
				await().during(Duration.ofSeconds(6))
					.atMost(PATIENCE)
					.until(() -> states.status(pool).state() == ReplicaState.DOWN);
			}
			finally {
				killed.start();
			}
			await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.UP);
			assertThat(pool.dataSource().getHikariPoolMXBean().getTotalConnections()).isPositive();
		});
	}

	@Test
	@Order(2)
	void aStoppedReplicaIsDownAndNoReadWaitsOnItUntilItContinues() {
		runner.run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			PostgresNode stopped = cluster.replicas().get(0);
			NamedPool pool = context.getBean(NamedPools.class).find(stopped.name());
			awaitAllUp(states);
			stopped.suspend();
			try {
				await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.DOWN);
				assertThat(states.status(pool).reason()).contains("probe-timeout");
				for (int i = 0; i < 10; i++) {
					assertThat(servedBy(context).node()).isEqualTo(cluster.replicas().get(1).name());
				}
				assertThat(pool.dataSource().getHikariPoolMXBean().getThreadsAwaitingConnection()).isZero();
			}
			finally {
				stopped.resume();
			}
			await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.UP);
		});
	}

	@Test
	@Order(3)
	void aReadInFlightOnAReplicaThatStopsEndsWhenTheReplicaIsDown() throws Exception {
		runner.run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			PostgresNode stopped = cluster.replicas().get(0);
			NamedPool pool = context.getBean(NamedPools.class).find(stopped.name());
			awaitAllUp(states);
			// Only the replica that stops can take the read.
			context.getBean(RoutingPools.class).drain(cluster.replicas().get(1).name());
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
			CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> Transactions.readOnly(transactions)
				.execute((status) -> jdbc.queryForObject("select current_setting('cluster_name') from pg_sleep(5)",
						String.class)));
			await().atMost(PATIENCE).until(() -> pool.dataSource().getHikariPoolMXBean().getActiveConnections() > 0);
			stopped.suspend();
			try {
				await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.DOWN);
				// Far below the replica pools' socket timeout (35 s without a statement
				// timeout), and the read would hang until the node continues: the monitor
				// aborted its connection. (It may then succeed elsewhere if re-run.)
				await().atMost(Duration.ofSeconds(15)).until(inFlight::isDone);
			}
			finally {
				stopped.resume();
			}
		});
	}

	@Test
	@Order(4)
	void aBlackHoledReplicaIsDownAndItsReadInFlightEndsWhileNewReadsGoElsewhere() {
		FaultProxy proxy = cluster.replicas().get(0).proxy();
		runner.withPropertyValues("routing-pools.replicas.replica-1.url=" + proxy.jdbcUrl()).run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			RoutingPools routingPools = context.getBean(RoutingPools.class);
			NamedPool pool = context.getBean(NamedPools.class).find("replica-1");
			awaitAllUp(states);
			routingPools.drain("replica-2");
			CompletableFuture<Void> inFlight = CompletableFuture.runAsync(() -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					connection.setReadOnly(true);
					connection.setAutoCommit(false);
					execute(connection, "select 1");
					// The second statement of its transaction: never re-run elsewhere.
					execute(connection, "select pg_sleep(30)");
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			await().atMost(PATIENCE).until(() -> pool.dataSource().getHikariPoolMXBean().getActiveConnections() > 0);
			proxy.blackHole();
			try {
				await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.DOWN);
				await().atMost(Duration.ofSeconds(15)).until(inFlight::isDone);
				assertThat(inFlight).isCompletedExceptionally();
				routingPools.undrain("replica-2");
				for (int i = 0; i < 10; i++) {
					assertThat(servedBy(context).node()).isEqualTo("replica-2");
				}
			}
			finally {
				proxy.pass();
			}
			await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.UP);
		});
	}

	@Test
	@Order(5)
	void theMetersMoveWithTheStates() {
		runner.withConfiguration(AutoConfigurations.of(RoutingPoolsMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
				awaitAllUp(context.getBean(ReplicaStates.class));
				assertThat(state(registry, "up")).isEqualTo(1);
				PostgresNode killed = cluster.replicas().get(0);
				killed.kill();
				try {
					await().atMost(PATIENCE).until(() -> state(registry, "down") == 1);
					assertThat(state(registry, "up")).isZero();
					assertThat(registry.get("routingpools.failovers")
						.tags("pool", "replica-1", "cause", "down")
						.functionCounter()
						.count()).isEqualTo(1);
				}
				finally {
					killed.start();
				}
				await().atMost(PATIENCE).until(() -> state(registry, "up") == 1);
			});
	}

	@Test
	@Order(6)
	void aPromotedReplicaIsNotAReplicaAndOutOfRotation() {
		runner.run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			PostgresNode promoted = cluster.replicas().get(0);
			NamedPool pool = context.getBean(NamedPools.class).find(promoted.name());
			awaitAllUp(states);
			promoted.promote();
			await().atMost(PATIENCE).until(() -> states.status(pool).state() == ReplicaState.NOT_A_REPLICA);
			assertThat(states.status(pool).reason()).contains("promoted");
			for (int i = 0; i < 10; i++) {
				assertThat(servedBy(context).node()).isEqualTo(cluster.replicas().get(1).name());
			}
		});
	}

	private static double state(MeterRegistry registry, String state) {
		return registry.get("routingpools.replica.state").tags("pool", "replica-1", "state", state).gauge().value();
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static void awaitAllUp(ReplicaStates states) {
		await().atMost(PATIENCE)
			.until(() -> states.all()
				.stream()
				.allMatch((status) -> status.checkedAt() != null && status.state() == ReplicaState.UP));
	}

	private static ServedBy servedBy(AssertableApplicationContext context) {
		return Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
			.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
	}

}
