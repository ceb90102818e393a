package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.ServedBy;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transaction's pool is fixed by the route in effect when it began: a helper that names
 * another pool inside it fails with the error naming both pools, whether or not a
 * statement ran before it, and the transaction's own work never leaks into the helper's
 * pool. Proven on the embedded cluster.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class TransactionRouteOnClusterTests {

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createTable(EmbeddedPostgresCluster sharedCluster) throws SQLException {
		cluster = sharedCluster;
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists route_orders (id serial primary key, item text, "
					+ "pool text default current_setting('application_name'))");
		}
		cluster.awaitReplication();
		runner = ClusterApplications.jdbc(cluster).withUserConfiguration(Services.class);
	}

	@Test
	void aPoolNamedBeforeTheTransactionsFirstStatementFailsNamingBothPools() {
		runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertFailsNamingBothPools(() -> orders.placeOrderAfterLookup("lookup-first"), "admin");
			assertThat(ordersOf(context, "lookup-first")).isZero();
		});
	}

	@Test
	void aPoolNamedAfterTheTransactionsFirstStatementFailsTheSameWay() {
		runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertFailsNamingBothPools(() -> orders.placeOrderThenLookup("insert-first"), "admin");
			assertThat(ordersOf(context, "insert-first")).isZero();
		});
	}

	@Test
	void aReplicaNamedInsideAWriteTransactionFailsNamingBothPoolsRatherThanBlamingTheWrite() {
		runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertFailsNamingBothPools(() -> orders.placeOrderAfterReplicaLookup("replica-lookup"), "replica-1");
			assertThat(ordersOf(context, "replica-lookup")).isZero();
		});
	}

	@Test
	void aReplicaNamedInsideAReadOnlyTransactionFailsEveryTimeWhicheverReplicaItRunsOn() {
		runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			for (int i = 0; i < 6; i++) {
				assertThatThrownBy(orders::browseWithReplicaLookup).rootCause()
					.hasMessageContaining("Pool 'replica-1' was requested")
					.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("25001"));
			}
		});
	}

	@Test
	void anUnknownPoolNamedInsideATransactionFailsWith3D000() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> write.executeWithoutResult(
					(status) -> PoolRouting.run("reporting", () -> jdbc.queryForObject("select 1", Integer.class))))
				.rootCause()
				.hasMessageContaining("No pool named 'reporting'")
				.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("3D000"));
		});
	}

	@Test
	void aPoolNamedInsideATransactionWhoseConnectionIsAcquiredLazilyFailsTheSameWay() {
		runner.run((context) -> {
			LazyConnectionDataSourceProxy lazy = new LazyConnectionDataSourceProxy(context.getBean(DataSource.class));
			JdbcTemplate jdbc = new JdbcTemplate(lazy);
			TransactionTemplate write = new TransactionTemplate(new DataSourceTransactionManager(lazy));
			assertThatThrownBy(() -> write.executeWithoutResult((status) -> {
				PoolRouting.run("admin", () -> ServedBy.query(jdbc));
				jdbc.update("insert into route_orders (item) values ('lazy')");
			})).rootCause()
				.hasMessageContaining("Pool 'admin' was requested")
				.hasMessageContaining("inside a transaction bound to pool 'primary'");
			assertThat(ordersOf(context, "lazy")).isZero();
		});
	}

	@Test
	void namingThePoolTheTransactionRunsOnIsAllowed() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Orders.class).placeOrderAfterPrimaryLookup("primary-lookup");
			assertThat(servedBy.pool()).isEqualTo("primary");
			assertThat(ordersOf(context, "primary-lookup")).isOne();
		});
	}

	@Test
	void aTransactionThatBeganUnderANamedPoolStaysThereAfterTheRouteEnds() {
		runner.run((context) -> {
			PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
			TransactionStatus transaction = PoolRouting.using("admin",
					() -> transactionManager.getTransaction(new DefaultTransactionDefinition()));
			ServedBy servedBy = ServedBy.query(context.getBean(JdbcTemplate.class));
			transactionManager.commit(transaction);
			assertThat(servedBy.pool()).isEqualTo("admin");
		});
	}

	private static void assertFailsNamingBothPools(ThrowingCallable work, String named) {
		assertThatThrownBy(work).rootCause()
			.hasMessageContaining("Pool '" + named + "' was requested")
			.hasMessageContaining("inside a transaction bound to pool 'primary'")
			.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("25001"));
	}

	private static int ordersOf(org.springframework.context.ApplicationContext context, String item) {
		Integer count = context.getBean(JdbcTemplate.class)
			.queryForObject("select count(*) from route_orders where item = ?", Integer.class, item);
		return (count != null) ? count : -1;
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Lookup lookup(JdbcTemplate jdbc) {
			return new Lookup(jdbc);
		}

		@Bean
		ReplicaLookup replicaLookup(JdbcTemplate jdbc) {
			return new ReplicaLookup(jdbc);
		}

		@Bean
		PrimaryLookup primaryLookup(JdbcTemplate jdbc) {
			return new PrimaryLookup(jdbc);
		}

		@Bean
		Orders orders(JdbcTemplate jdbc, Lookup lookup, ReplicaLookup replicaLookup, PrimaryLookup primaryLookup) {
			return new Orders(jdbc, lookup, replicaLookup, primaryLookup);
		}

	}

	@UsePool("admin")
	static class Lookup {

		private final JdbcTemplate jdbc;

		Lookup(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		public ServedBy find() {
			return ServedBy.query(this.jdbc);
		}

	}

	@UsePool("replica-1")
	static class ReplicaLookup extends Lookup {

		ReplicaLookup(JdbcTemplate jdbc) {
			super(jdbc);
		}

	}

	@UsePool("primary")
	static class PrimaryLookup extends Lookup {

		PrimaryLookup(JdbcTemplate jdbc) {
			super(jdbc);
		}

	}

	static class Orders {

		private final JdbcTemplate jdbc;

		private final Lookup lookup;

		private final ReplicaLookup replicaLookup;

		private final PrimaryLookup primaryLookup;

		Orders(JdbcTemplate jdbc, Lookup lookup, ReplicaLookup replicaLookup, PrimaryLookup primaryLookup) {
			this.jdbc = jdbc;
			this.lookup = lookup;
			this.replicaLookup = replicaLookup;
			this.primaryLookup = primaryLookup;
		}

		@Transactional
		public void placeOrderAfterLookup(String item) {
			this.lookup.find();
			insert(item);
		}

		@Transactional
		public void placeOrderThenLookup(String item) {
			insert(item);
			this.lookup.find();
		}

		@Transactional
		public void placeOrderAfterReplicaLookup(String item) {
			this.replicaLookup.find();
			insert(item);
		}

		@Transactional(readOnly = true)
		public ServedBy browseWithReplicaLookup() {
			return this.replicaLookup.find();
		}

		@Transactional
		public ServedBy placeOrderAfterPrimaryLookup(String item) {
			ServedBy servedBy = this.primaryLookup.find();
			insert(item);
			return servedBy;
		}

		private void insert(String item) {
			this.jdbc.update("insert into route_orders (item) values (?)", item);
		}

	}

}
