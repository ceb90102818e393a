package io.routingpools.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
	void aPlainStatementThatReadThenWritesMovesToThePrimary() throws Exception {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					Statement statement = connection.createStatement()) {
				statement.setFetchSize(7);
				try (ResultSet row = statement.executeQuery("select pg_is_in_recovery()")) {
					row.next();
					assertThat(row.getBoolean(1)).isTrue();
				}
				assertThat(statement.executeUpdate("insert into plain_reads values (" + System.nanoTime() + ")"))
					.isEqualTo(1);
				assertThat(statement.getFetchSize()).isEqualTo(7);
			}
		});
	}

	@Test
	void aBatchOfPlainStatementsRunsOnThePrimaryAfterMetadata() {
		runner.run((context) -> {
			long id = System.nanoTime();
			// JdbcTemplate asks the metadata whether batches are supported, between
			// creating the statement and adding to its batch.
			int[] counts = context.getBean(JdbcTemplate.class)
				.batchUpdate("insert into plain_reads values (" + id + ")",
						"insert into plain_reads values (" + (id + 1) + ")");
			assertThat(counts).containsExactly(1, 1);
		});
	}

	@Test
	void sessionStateOfATransactionStaysWithTheConnection() throws Exception {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.execute("set app.marker = 'on the primary'");
					statement.execute("create temporary table scratch_tx (value int)");
				}
				connection.commit();
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement();
						ResultSet row = statement
							.executeQuery("select current_setting('app.marker'), (select count(*) from scratch_tx)")) {
					row.next();
					assertThat(row.getString(1)).isEqualTo("on the primary");
				}
			}
		});
	}

	@Test
	void aWriteOnAConnectionStillOpenKeepsItsScopesReadsOnThePrimary() {
		runner.withPropertyValues("routing-pools.consistency.window=100ms").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			cluster.replicas().forEach(PostgresNode::pauseReplay);
			long id = System.nanoTime();
			try (Connection open = context.getBean(DataSource.class).getConnection();
					Statement statement = open.createStatement()) {
				statement.executeUpdate("insert into plain_reads values (" + id + ")");
				// Its position is read when the connection is closed; until then, however
				// long past the window, the scope's reads stay on the primary.
				await().during(Duration.ofMillis(600))
					.atMost(Duration.ofSeconds(30))
					.until(() -> reads.execute((status) -> jdbc
						.queryForObject("select count(*) from plain_reads where id = ?", Long.class, id)) == 1);
			}
			Long count = reads.execute(
					(status) -> jdbc.queryForObject("select count(*) from plain_reads where id = ?", Long.class, id));
			assertThat(count).isEqualTo(1);
		});
	}

	@Test
	void aPlainWriteIsNotCountedAsAnAutoCommitRead() {
		runner.run((context) -> {
			Router router = context.getBean(Router.class);
			long before = reads(router);
			context.getBean(JdbcTemplate.class).update("insert into plain_reads values (" + System.nanoTime() + ")");
			assertThat(reads(router)).isEqualTo(before);
			context.getBean(JdbcTemplate.class).queryForObject("select count(*) from plain_reads", Long.class);
			assertThat(reads(router)).isEqualTo(before + 1);
		});
	}

	private static long reads(Router router) {
		return router.routes()
			.stream()
			.filter((route) -> route.reason() == RouteReason.AUTO_COMMIT_READ)
			.mapToLong(Route::bindings)
			.sum();
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
