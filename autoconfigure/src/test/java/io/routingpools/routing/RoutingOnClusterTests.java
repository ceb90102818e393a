package io.routingpools.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where JDBC work runs, proven on the embedded primary and its two streaming replicas.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class RoutingOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createTable(EmbeddedPostgresCluster cluster) throws SQLException {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists routing_notes (id serial primary key, body text)");
		}
		cluster.awaitReplication();
		runner = ClusterApplications.jdbc(cluster, "routing-pools.routing.load-balancer=round-robin")
			.withUserConfiguration(Services.class);
	}

	@Test
	void readOnlyTransactionWithJdbcTemplateRunsOnAReplica() {
		runner.run((context) -> {
			ServedBy servedBy = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
			assertThat(servedBy.onReplica()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void readOnlyTransactionWithJdbcClientRunsOnAReplica() {
		runner.run((context) -> {
			JdbcClient jdbcClient = context.getBean(JdbcClient.class);
			Boolean inRecovery = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> jdbcClient.sql("select pg_is_in_recovery()").query(Boolean.class).single());
			assertThat(inRecovery).isTrue();
		});
	}

	@Test
	void readOnlyTransactionsAreSpreadOverTheReplicas() {
		runner.run((context) -> {
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			String first = readOnly.execute((status) -> ServedBy.query(jdbc)).node();
			String second = readOnly.execute((status) -> ServedBy.query(jdbc)).node();
			assertThat(first).isNotEqualTo(second).startsWith("replica-");
			assertThat(second).startsWith("replica-");
		});
	}

	@Test
	void writeTransactionRunsOnThePrimary() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			ServedBy servedBy = new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> {
					jdbc.update("insert into routing_notes (body) values ('written')");
					return ServedBy.query(jdbc);
				});
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
			assertThat(servedBy.pool()).isEqualTo("primary");
		});
	}

	@Test
	void autoCommitStatementsOutsideTransactionsRunOnThePrimary() {
		runner.run((context) -> assertThat(ServedBy.query(context.getBean(JdbcTemplate.class)).onPrimary()).isTrue());
	}

	@Test
	void readOnlyMethodCalledInsideAWriteTransactionStaysOnThePrimary() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Writer.class).writeThenReadThroughReadOnlyMethod();
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void requiresNewReadOnlyTransactionInsideAWriteTransactionBindsAgainToAReplica() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Writer.class).writeThenReadInNewReadOnlyTransaction();
			assertThat(servedBy.onReplica()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void writeInsideAReadOnlyTransactionFailsWithPostgresErrorNamingPoolAndReason() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> readOnly
				.executeWithoutResult((status) -> jdbc.update("insert into routing_notes (body) values ('nope')")))
				.hasMessageContaining("pool 'replica-")
				.cause()
				.isInstanceOf(SQLException.class)
				.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("25006"))
				.hasMessageContaining("cannot execute INSERT in a read-only transaction")
				.hasMessageContaining("pool 'replica-")
				.hasMessageContaining("the transaction is read-only");
		});
	}

	@Test
	void writeInsideAReadOnlyTransactionKeepsTheDriverErrorAsCause() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> readOnly
				.executeWithoutResult((status) -> jdbc.update("insert into routing_notes (body) values ('nope')")))
				.hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);
		});
	}

	@Test
	void usePoolRoutesAMethodToTheNamedPool() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Operator.class).onAdminPool();
			assertThat(servedBy.pool()).isEqualTo("admin");
			assertThat(servedBy.onPrimary()).isTrue();
		});
	}

	@Test
	void usePoolOnAMethodRoutesWritesWithoutReadOnlyToANamedReplica() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Operator.class).onReplicaTwo();
			assertThat(servedBy.node()).isEqualTo("replica-2");
			assertThat(servedBy.pool()).isEqualTo("replica-2");
		});
	}

	@Test
	void classLevelUsePoolAppliesToInheritedMethodsOfEachClass() {
		runner.run((context) -> {
			assertThat(context.getBean(OnReplicaOne.class).servedBy().node()).isEqualTo("replica-1");
			assertThat(context.getBean(OnReplicaTwo.class).servedBy().node()).isEqualTo("replica-2");
			assertThat(context.getBean(OnReplicaOne.class).servedBy().node()).isEqualTo("replica-1");
		});
	}

	@Test
	void poolRoutingRoutesABlockToTheNamedPool() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			ServedBy servedBy = PoolRouting.using("replica-1", () -> ServedBy.query(jdbc));
			assertThat(servedBy.node()).isEqualTo("replica-1");
			assertThat(PoolRouting.currentPool()).isNull();
		});
	}

	@Test
	void namingAnotherPoolInsideABoundTransactionFailsNamingBothPools() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> write.executeWithoutResult((status) -> {
				jdbc.queryForObject("select 1", Integer.class);
				PoolRouting.run("admin", () -> jdbc.queryForObject("select 1", Integer.class));
			})).rootCause().hasMessageContaining("'admin'").hasMessageContaining("'primary'");
		});
	}

	@Test
	void unknownPoolNameFailsListingTheKnownPools() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThatThrownBy(() -> PoolRouting.run("replica-9", () -> jdbc.queryForObject("select 1", Integer.class)))
				.rootCause()
				.hasMessageContaining("No pool named 'replica-9'")
				.hasMessageContaining("replica-1");
		});
	}

	@Test
	void oneLogicalConnectionBindsAgainForEachTransaction() {
		runner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				assertThat(ServedBy.node(connection)).startsWith("replica-");
				connection.commit();
				connection.setReadOnly(false);
				assertThat(ServedBy.node(connection)).isEqualTo("primary");
				connection.commit();
			}
		});
	}

	@Test
	void physicalConnectionGoesBackToItsPoolWhenTheTransactionEnds() {
		runner.run((context) -> {
			HikariDataSource primary = context.getBean("routingPools.primary", HikariDataSource.class);
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setAutoCommit(false);
				ServedBy.node(connection);
				assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isEqualTo(1);
				connection.commit();
				assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isZero();
			}
		});
	}

	@Test
	void openStatementKeepsTheBindingAcrossTransactions() {
		runner.run((context) -> {
			HikariDataSource primary = context.getBean("routingPools.primary", HikariDataSource.class);
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setAutoCommit(false);
				try (var statement = connection.prepareStatement("select current_setting('cluster_name')")) {
					statement.executeQuery().close();
					connection.commit();
					assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isEqualTo(1);
					try (ResultSet rs = statement.executeQuery()) {
						assertThat(rs.next()).isTrue();
						assertThat(rs.getString(1)).isEqualTo("primary");
					}
					connection.commit();
				}
			}
			assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isZero();
		});
	}

	@Test
	void keptStatementDoesNotCarryAReplicaIntoTheNextWriteTransaction() {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				var kept = connection.prepareStatement("select current_setting('cluster_name')");
				kept.executeQuery().close();
				connection.commit();
				connection.setAutoCommit(true);
				connection.setReadOnly(false);
				connection.setAutoCommit(false);
				assertThat(ServedBy.node(connection)).isEqualTo("primary");
				connection.commit();
				assertThatExceptionOfType(SQLException.class).as("the kept replica statement was closed")
					.isThrownBy(kept::executeQuery);
			}
		});
	}

	@Test
	void explicitRouteAfterAutoCommitWorkBindsAgain() {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(ServedBy.node(connection)).isEqualTo("primary");
				assertThat(PoolRouting.call("replica-1", () -> ServedBy.node(connection))).isEqualTo("replica-1");
			}
		});
	}

	@Test
	void commitWithoutATransactionIsRefusedLikeTheDriverDoes() {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThatExceptionOfType(SQLException.class).isThrownBy(connection::commit)
					.withMessageContaining("autoCommit");
			}
		});
	}

	@Test
	void abortGivesThePoolSlotBack() {
		runner.run((context) -> {
			HikariDataSource primary = context.getBean("routingPools.primary", HikariDataSource.class);
			Connection connection = context.getBean(DataSource.class).getConnection();
			ServedBy.node(connection);
			connection.abort(Runnable::run);
			assertThat(connection.isClosed()).isTrue();
			Awaitility.await()
				.untilAsserted(() -> assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isZero());
		});
	}

	@Test
	void unboundConnectionReportsTheServersDefaultIsolation() {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
			}
		});
	}

	@Test
	void gettingAConnectionBorrowsNothingUntilItIsUsed() {
		runner.run((context) -> {
			HikariDataSource primary = context.getBean("routingPools.primary", HikariDataSource.class);
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setAutoCommit(false);
				connection.setReadOnly(true);
				assertThat(primary.getHikariPoolMXBean().getActiveConnections()).isZero();
				assertThat(connection.getAutoCommit()).isFalse();
				assertThat(connection.isReadOnly()).isTrue();
			}
		});
	}

	@Test
	void statementsReportTheLogicalConnection() {
		runner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					Statement statement = connection.createStatement()) {
				assertThat(statement.getConnection()).isSameAs(connection);
			}
		});
	}

	@Test
	void memberPoolCanBeInjectedByItsName() {
		runner.run((context) -> {
			DataSource admin = context.getBean(AdminPoolUser.class).admin();
			assertThat(admin).isInstanceOf(HikariDataSource.class);
			assertThat(((HikariDataSource) admin).getPoolName()).isEqualTo("admin");
		});
	}

	@Test
	void closedConnectionRefusesWork() {
		runner.run((context) -> {
			Connection connection = context.getBean(DataSource.class).getConnection();
			connection.close();
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement)
				.withMessageContaining("closed");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Reader reader(JdbcTemplate jdbc) {
			return new Reader(jdbc);
		}

		@Bean
		Writer writer(JdbcTemplate jdbc, Reader reader) {
			return new Writer(jdbc, reader);
		}

		@Bean
		Operator operator(JdbcTemplate jdbc) {
			return new Operator(jdbc);
		}

		@Bean
		OnReplicaOne onReplicaOne(JdbcTemplate jdbc) {
			return new OnReplicaOne(jdbc);
		}

		@Bean
		OnReplicaTwo onReplicaTwo(JdbcTemplate jdbc) {
			return new OnReplicaTwo(jdbc);
		}

		@Bean
		AdminPoolUser adminPoolUser(@Qualifier("admin") DataSource admin) {
			return new AdminPoolUser(admin);
		}

	}

	static class Reader {

		private final JdbcTemplate jdbc;

		Reader(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public ServedBy read() {
			return ServedBy.query(this.jdbc);
		}

		@Transactional(readOnly = true, propagation = Propagation.REQUIRES_NEW)
		public ServedBy readInNewTransaction() {
			return ServedBy.query(this.jdbc);
		}

	}

	static class Writer {

		private final JdbcTemplate jdbc;

		private final Reader reader;

		Writer(JdbcTemplate jdbc, Reader reader) {
			this.jdbc = jdbc;
			this.reader = reader;
		}

		@Transactional
		public ServedBy writeThenReadThroughReadOnlyMethod() {
			this.jdbc.update("insert into routing_notes (body) values ('outer')");
			return this.reader.read();
		}

		@Transactional
		public ServedBy writeThenReadInNewReadOnlyTransaction() {
			this.jdbc.update("insert into routing_notes (body) values ('outer')");
			return this.reader.readInNewTransaction();
		}

	}

	static class Operator {

		private final JdbcTemplate jdbc;

		Operator(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@UsePool("admin")
		@Transactional
		public ServedBy onAdminPool() {
			return ServedBy.query(this.jdbc);
		}

		@UsePool("replica-2")
		@Transactional
		public ServedBy onReplicaTwo() {
			return ServedBy.query(this.jdbc);
		}

	}

	static class NodeReporter {

		private final JdbcTemplate jdbc;

		NodeReporter(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		public ServedBy servedBy() {
			return ServedBy.query(this.jdbc);
		}

	}

	@UsePool("replica-1")
	static class OnReplicaOne extends NodeReporter {

		OnReplicaOne(JdbcTemplate jdbc) {
			super(jdbc);
		}

	}

	@UsePool("replica-2")
	static class OnReplicaTwo extends NodeReporter {

		OnReplicaTwo(JdbcTemplate jdbc) {
			super(jdbc);
		}

	}

	record AdminPoolUser(DataSource admin) {
	}

}
