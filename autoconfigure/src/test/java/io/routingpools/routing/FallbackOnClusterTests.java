package io.routingpools.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterProperties;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What read-only work does when a replica cannot provide a connection: the replica is
 * unreachable (nothing listens on its port) while the primary is up.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class FallbackOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster cluster) throws IOException {
		runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("routing-pools.primary.url=" + cluster.primary().jdbcUrl(),
					"routing-pools.replicas.unreachable.url=jdbc:postgresql://127.0.0.1:" + closedPort() + "/app",
					"routing-pools.replicas.unreachable.connection-timeout=250ms",
					"routing-pools.replicas.unreachable.validation-timeout=250ms",
					"routing-pools.defaults.username=" + cluster.username(),
					"routing-pools.defaults.password=" + cluster.password(),
					"routing-pools.defaults.maximum-pool-size=2", "routing-pools.defaults.minimum-idle=0");
	}

	@Test
	void unreachableReplicaDoesNotStopTheApplicationFromStarting() {
		runner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void readOnlyWorkFallsBackToThePrimaryWhenNoReplicaCanServe() {
		runner.run((context) -> {
			ServedBy servedBy = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void readOnlyWorkFailsNamingTheReplicaWhenFallbackIsOff() {
		runner.withPropertyValues("routing-pools.routing.fallback-to-primary=false").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> readOnly.execute((status) -> ServedBy.query(jdbc)))
				.hasCauseInstanceOf(SQLTransientConnectionException.class)
				.cause()
				.hasMessageContaining("No replica could serve read-only work")
				.hasMessageContaining("unreachable")
				.hasMessageContaining("routing-pools.routing.fallback-to-primary");
		});
	}

	@Test
	void fallbackIsRefusedBeyondItsConcurrencyCap() {
		runner.withPropertyValues("routing-pools.routing.fallback-max-concurrency=1").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			TransactionTemplate newReadOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			newReadOnly.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
			assertThatThrownBy(() -> readOnly.execute((outer) -> {
				ServedBy.query(jdbc);
				return newReadOnly.execute((inner) -> ServedBy.query(jdbc));
			})).cause().hasMessageContaining("fallback-max-concurrency");
			assertThat(readOnly.execute((status) -> ServedBy.query(jdbc)).onPrimary())
				.as("the permit is given back when the binding ends")
				.isTrue();
		});
	}

	@Test
	void busyReplicaIsPassedOverForOneReadButNotTakenOutOfRotation(EmbeddedPostgresCluster cluster) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class))
			.withPropertyValues("routing-pools.primary.url=" + cluster.primary().jdbcUrl(),
					"routing-pools.replicas.replica-1.url=" + cluster.replicas().get(0).jdbcUrl(),
					"routing-pools.replicas.replica-1.maximum-pool-size=1",
					"routing-pools.replicas.replica-1.connection-timeout=250ms",
					"routing-pools.replicas.replica-1.validation-timeout=250ms",
					"routing-pools.defaults.username=" + cluster.username(),
					"routing-pools.defaults.password=" + cluster.password(),
					"routing-pools.defaults.maximum-pool-size=2", "routing-pools.defaults.minimum-idle=0")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				try (Connection holder = readOnlyConnection(dataSource)) {
					assertThat(ServedBy.node(holder)).isEqualTo("replica-1");
					try (Connection second = readOnlyConnection(dataSource)) {
						assertThat(ServedBy.node(second)).as("the replica's only connection is taken")
							.isEqualTo("primary");
					}
				}
				try (Connection third = readOnlyConnection(dataSource)) {
					assertThat(ServedBy.node(third)).as("a busy replica is not suspect").isEqualTo("replica-1");
				}
			});
	}

	@Test
	void killedReplicaLeavesRotationAndComesBackAfterRestart(EmbeddedPostgresCluster cluster) {
		PostgresNode victim = cluster.node("replica-2");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "routing-pools.routing.load-balancer=round-robin",
					"routing-pools.defaults.minimum-idle=1"))
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				Set<String> before = new HashSet<>();
				for (int i = 0; i < 2; i++) {
					before.add(readNode(dataSource));
				}
				assertThat(before).containsExactlyInAnyOrder("replica-1", "replica-2");
				victim.kill();
				try {
					List<String> served = new ArrayList<>();
					List<SQLException> failed = new ArrayList<>();
					for (int i = 0; i < 6; i++) {
						try {
							served.add(readNode(dataSource));
						}
						catch (SQLException ex) {
							failed.add(ex);
						}
					}
					// A pooled connection the kill broke fails its statement (it is not
					// re-run
					// elsewhere yet); that takes the replica out of rotation for the next
					// reads.
					assertThat(failed).hasSizeLessThanOrEqualTo(1)
						.allSatisfy((ex) -> assertThat(ex.getSQLState()).startsWith("08"));
					assertThat(served).hasSizeGreaterThanOrEqualTo(5).containsOnly("replica-1");
				}
				finally {
					victim.start();
				}
				Awaitility.await()
					.atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(readNode(dataSource)).isEqualTo("replica-2"));
			});
	}

	private static String readNode(DataSource dataSource) throws SQLException {
		try (Connection connection = readOnlyConnection(dataSource)) {
			String node = ServedBy.node(connection);
			connection.commit();
			return node;
		}
	}

	private static Connection readOnlyConnection(DataSource dataSource) throws SQLException {
		Connection connection = dataSource.getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		return connection;
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
