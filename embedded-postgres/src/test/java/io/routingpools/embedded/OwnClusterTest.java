package io.routingpools.embedded;

import static io.routingpools.embedded.Sql.count;
import static io.routingpools.embedded.Sql.execute;
import static io.routingpools.embedded.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Irreversible changes (promotion, a killed primary, close), each on a cluster of its
 * own.
 */
class OwnClusterTest {

	@Test
	void promotedReplicaBecomesAWritablePrimary() throws SQLException {
		try (EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder()
			.replicas(1)
			.database("shop")
			.username("admin")
			.password("s3cret'\"")
			.serverSetting("work_mem", "5MB")
			.start()) {
			PostgresNode replica = cluster.node("replica-1");
			assertThat(query(replica,
					"SELECT current_database() || ' ' || current_user || ' '" + " || current_setting('work_mem')"))
				.isEqualTo("shop admin 5MB");

			replica.promote();

			assertThat(query(replica, "SELECT pg_is_in_recovery()")).isEqualTo("f");
			execute(replica, "CREATE TABLE promoted (id int)");
			execute(replica, "INSERT INTO promoted VALUES (1)");
			assertThat(count(replica, "promoted")).isEqualTo(1);
			assertThat(replica.isReplicaAtStart()).isTrue();
			assertThatThrownBy(replica::pauseReplay).isInstanceOf(IllegalStateException.class);
			assertThatThrownBy(replica::promote).isInstanceOf(IllegalStateException.class);

			replica.restart();
			assertThat(query(replica, "SELECT pg_is_in_recovery()")).isEqualTo("f");
			cluster.awaitReplication(); // a promoted replica no longer counts as one
		}
	}

	@Test
	void killedPrimaryStartsAgainAndItsReplicaFollowsAgain() throws SQLException {
		try (EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder().replicas(1).start()) {
			PostgresNode primary = cluster.primary();
			PostgresNode replica = cluster.node("replica-1");
			int port = primary.port();
			execute(primary, "CREATE TABLE items (id int)");
			execute(primary, "INSERT INTO items VALUES (1)");

			primary.kill();

			assertThat(primary.isRunning()).isFalse();
			assertThatThrownBy(primary::connect).isInstanceOf(SQLException.class)
				.hasRootCauseInstanceOf(ConnectException.class);
			assertThatThrownBy(cluster::awaitReplication).isInstanceOf(IllegalStateException.class);
			assertThat(query(replica, "SELECT pg_is_in_recovery()")).isEqualTo("t");

			primary.start();

			assertThat(primary.port()).isEqualTo(port);
			assertThat(count(primary, "items")).isEqualTo(1); // committed before the
																// crash
			execute(primary, "INSERT INTO items VALUES (2)");
			cluster.awaitReplication();
			assertThat(count(replica, "items")).isEqualTo(2);
		}
	}

	@Test
	void closeEndsEveryProcessAndDeletesEveryDirectory() throws SQLException {
		EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder().replicas(1).start();
		List<ProcessHandle> processes = new ArrayList<>();
		for (PostgresNode node : List.of(cluster.primary(), cluster.node("replica-1"))) {
			ProcessHandle postmaster = node.postmaster().orElseThrow();
			processes.add(postmaster);
			processes.addAll(postmaster.descendants().collect(Collectors.toList()));
		}
		Path directory = cluster.directory();
		assertThat(directory).isDirectory();
		// Short-lived children (a backend, an autovacuum worker) may come and go
		// meanwhile.
		assertThat(processes).hasSizeGreaterThan(5);

		try (Connection open = cluster.primary().connect()) {
			cluster.close();
			assertThat(open.isValid(1)).isFalse();
		}

		assertThat(processes).noneMatch(ProcessHandle::isAlive);
		assertThat(directory).doesNotExist();
		assertThat(cluster.primary().isRunning()).isFalse();
		cluster.close(); // again: nothing to do
	}

	@Test
	void failedStartReportsTheServerLogAndLeavesNothingBehind() throws IOException {
		Set<Path> before = clusterDirectories();

		assertThatThrownBy(
				() -> EmbeddedPostgresCluster.builder().replicas(0).serverSetting("shared_buffers", "plenty").start())
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("invalid value for parameter \"shared_buffers\"");

		assertThat(clusterDirectories()).isSubsetOf(before);
	}

	@Test
	void builderRejectsNonsense() {
		EmbeddedPostgresCluster.Builder builder = EmbeddedPostgresCluster.builder();
		assertThatThrownBy(() -> builder.replicas(-1)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> builder.database(" ")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> builder.serverSetting("work_mem = 1; x", "1"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private static Set<Path> clusterDirectories() throws IOException {
		try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return files
				.filter(path -> path.getFileName().toString().startsWith("rpg-")
						&& !path.getFileName().toString().startsWith("rpg-bin-"))
				.collect(Collectors.toSet());
		}
	}

}
