package io.routingpools.embedded;

import static io.routingpools.embedded.Sql.count;
import static io.routingpools.embedded.Sql.execute;
import static io.routingpools.embedded.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reversible checks against the cluster shared by the JVM; each test leaves the cluster
 * as it found it.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class SharedClusterTest {

	private final EmbeddedPostgresCluster cluster;

	SharedClusterTest(EmbeddedPostgresCluster cluster) {
		this.cluster = cluster;
	}

	@BeforeEach
	void createTable() throws SQLException {
		execute(cluster.primary(), "CREATE TABLE items (id int PRIMARY KEY)");
		// Every replica has the table before a test pauses one: a test counts its rows
		// there.
		cluster.awaitReplication();
	}

	@AfterEach
	void dropTable() throws SQLException {
		execute(cluster.primary(), "DROP TABLE items");
	}

	@Test
	void extensionInjectsTheSharedClusterWithDefaults(EmbeddedPostgresCluster parameter) {
		assertThat(parameter).isSameAs(cluster)
			.isSameAs(SharedEmbeddedCluster.get())
			.isSameAs(EmbeddedClusterExtension.sharedCluster());
		assertThat(cluster.replicas()).extracting(PostgresNode::name).containsExactly("replica-1", "replica-2");
		assertThat(cluster.database()).isEqualTo("app");
		assertThat(cluster.username()).isEqualTo("postgres");
		assertThat(cluster.password()).isEqualTo("postgres");
	}

	@Test
	void nodesHaveTheirRoleNameAndOwnPort() throws SQLException {
		for (PostgresNode node : cluster.replicas()) {
			assertThat(node.isReplicaAtStart()).isTrue();
			assertThat(query(node, "SELECT pg_is_in_recovery()")).isEqualTo("t");
		}
		assertThat(cluster.primary().isReplicaAtStart()).isFalse();
		assertThat(query(cluster.primary(), "SELECT pg_is_in_recovery()")).isEqualTo("f");

		for (String name : new String[] { "primary", "replica-1", "replica-2" }) {
			PostgresNode node = cluster.node(name);
			assertThat(node.name()).isEqualTo(name);
			assertThat(node.isRunning()).isTrue();
			assertThat(query(node,
					"SELECT current_setting('cluster_name') || ' ' || current_database()" + " || ' ' || current_user"))
				.isEqualTo(name + " app postgres");
			assertThat(node.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + node.port() + "/app");
		}
		assertThat(cluster.primary().port()).isNotIn(cluster.replicas().get(0).port(),
				cluster.replicas().get(1).port());
		assertThatThrownBy(() -> cluster.node("replica-3")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void rowsWrittenOnThePrimaryReachEveryReplica() throws SQLException {
		execute(cluster.primary(), "INSERT INTO items SELECT generate_series(1, 50000)");

		cluster.awaitReplication();

		for (PostgresNode replica : cluster.replicas()) {
			assertThat(count(replica, "items")).as(replica.name()).isEqualTo(50000);
		}
		assertThatThrownBy(() -> execute(cluster.replicas().get(0), "INSERT INTO items VALUES (0)"))
			.hasMessageContaining("read-only transaction");
	}

	@Test
	void pausedReplayHoldsBackOnlyThatReplica() throws SQLException {
		PostgresNode paused = cluster.node("replica-1");
		PostgresNode other = cluster.node("replica-2");
		paused.pauseReplay();
		try {
			execute(cluster.primary(), "INSERT INTO items VALUES (1)");
			cluster.awaitReplication(); // skips the paused replica

			assertThat(count(other, "items")).isEqualTo(1);
			assertThat(count(paused, "items")).isZero();
		}
		finally {
			paused.resumeReplay();
		}
		cluster.awaitReplication();
		assertThat(count(paused, "items")).isEqualTo(1);

		assertThatThrownBy(() -> cluster.primary().pauseReplay()).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void suspendedNodeDoesNotAnswerUntilResumed() throws SQLException {
		PostgresNode node = cluster.node("replica-2");
		try (Connection open = connectWithOneSecondTimeouts(node)) {
			node.suspend();
			try {
				assertThatThrownBy(() -> query(open, "SELECT 1")).isInstanceOf(SQLException.class)
					.hasRootCauseInstanceOf(SocketTimeoutException.class);
				assertThatThrownBy(() -> connectWithOneSecondTimeouts(node).close()).isInstanceOf(SQLException.class);
				assertThat(node.isRunning()).isTrue();
			}
			finally {
				node.resume();
			}
		}
		try (Connection connection = connectWithOneSecondTimeouts(node)) {
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-2");
		}
	}

	@Test
	void killedReplicaRefusesConnectionsAndStartsAgainOnItsPort() throws SQLException {
		PostgresNode replica = cluster.node("replica-2");
		int port = replica.port();
		replica.kill();
		try {
			assertThat(replica.isRunning()).isFalse();
			assertThatThrownBy(replica::connect).isInstanceOf(SQLException.class)
				.hasRootCauseInstanceOf(ConnectException.class);
			execute(cluster.primary(), "INSERT INTO items VALUES (1)");
		}
		finally {
			replica.start();
		}
		assertThat(replica.port()).isEqualTo(port);
		assertThat(query(replica, "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
		cluster.awaitReplication();
		assertThat(count(replica, "items")).isEqualTo(1);
	}

	@Test
	void restartedPrimaryKeepsItsPortAndItsReplicas() throws SQLException {
		PostgresNode primary = cluster.primary();
		int port = primary.port();
		execute(primary, "INSERT INTO items VALUES (1)");

		primary.restart();

		assertThat(primary.port()).isEqualTo(port);
		execute(primary, "INSERT INTO items VALUES (2)");
		cluster.awaitReplication();
		for (PostgresNode replica : cluster.replicas()) {
			assertThat(count(replica, "items")).as(replica.name()).isEqualTo(2);
		}
	}

	private Connection connectWithOneSecondTimeouts(PostgresNode node) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", cluster.username());
		properties.setProperty("password", cluster.password());
		properties.setProperty("connectTimeout", "1");
		properties.setProperty("socketTimeout", "1");
		properties.setProperty("sslmode", "disable");
		return DriverManager.getConnection(node.jdbcUrl(), properties);
	}

}
