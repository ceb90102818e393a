package io.routingpools.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;
import io.routingpools.test.ServedBy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code routing.auto-commit-reads: replica} on the shared cluster (DESIGN section 4 rule
 * 4): plain reads outside transactions go to replicas, through plain and prepared
 * statements; anything else runs on the primary, and the connection stays there; a plain
 * read follows a plain write of its scope.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class AutoCommitReadsOnClusterTests {

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster shared) {
		cluster = shared;
		runner = ClusterApplications.jdbc(cluster, "routing-pools.routing.auto-commit-reads=replica")
			.withInitializer((context) -> {
				Nodes.execute(cluster.primary(), "create table if not exists plain_reads (id bigint primary key)");
				Nodes.execute(cluster.primary(), "create sequence if not exists plain_reads_ids");
			});
	}

	@AfterEach
	void resumeReplay() {
		Nodes.resumeReplay(cluster);
	}

	@Test
	void plainSelectsOfJdbcTemplateGoToReplicas() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			// A query without parameters runs on a plain Statement, one with parameters
			// on
			// a prepared one.
			assertThat(ServedBy.query(jdbc).onReplica()).isTrue();
			assertThat(jdbc.queryForObject("select pg_is_in_recovery() where ? = 1", Boolean.class, 1)).isTrue();
			assertThat(
					context.getBean(JdbcClient.class).sql("select pg_is_in_recovery()").query(Boolean.class).single())
				.isTrue();
		});
	}

	@Test
	void writesAndDoubtfulReadsRunOnThePrimary() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			long id = jdbc.queryForObject("select nextval('plain_reads_ids')", Long.class);
			assertThat(jdbc.update("insert into plain_reads values (?)", id)).isEqualTo(1);
			assertThat(jdbc.queryForObject("select id from plain_reads where id = ? for update", Long.class, id))
				.isEqualTo(id);
			assertThat(jdbc.queryForObject(
					"select pg_is_in_recovery() from plain_reads where id = " + id + " for share", Boolean.class))
				.isFalse();
		});
	}

	@Test
	void sessionStateStaysOnThePrimaryWithTheConnection() throws Exception {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("set statement_timeout = '1234ms'");
				statement.execute("create temporary table scratch (value int)");
				statement.executeUpdate("insert into scratch values (42)");
				try (ResultSet row = statement.executeQuery(
						"select current_setting('statement_timeout'), (select value from scratch), pg_is_in_recovery()")) {
					row.next();
					assertThat(row.getString(1)).isEqualTo("1234ms");
					assertThat(row.getInt(2)).isEqualTo(42);
					assertThat(row.getBoolean(3)).isFalse();
				}
			}
		});
	}

	@Test
	void aPlainStatementCreatedForAReadMovesToThePrimaryToWrite() throws Exception {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					Statement statement = connection.createStatement()) {
				statement.setQueryTimeout(5);
				long id = System.nanoTime();
				assertThat(statement.executeUpdate("insert into plain_reads values (" + id + ")")).isEqualTo(1);
				assertThat(statement.getQueryTimeout()).isEqualTo(5);
				assertThat(ServedBy.node(connection)).isEqualTo(cluster.primary().name());
			}
		});
	}

	@Test
	void aPlainReadFollowsAPlainWriteOfItsScope() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			cluster.replicas().forEach(PostgresNode::pauseReplay);
			long id = System.nanoTime();
			jdbc.update("insert into plain_reads values (?)", id);
			assertThat(jdbc.queryForObject("select count(*) from plain_reads where id = ?", Long.class, id))
				.isEqualTo(1);
			// Another scope reads from a replica, which has not replayed the write.
			assertThat(ConsistencyScope.call(null,
					() -> jdbc.queryForObject("select count(*) from plain_reads where id = ?", Long.class, id)))
				.isZero();
		});
	}

}
