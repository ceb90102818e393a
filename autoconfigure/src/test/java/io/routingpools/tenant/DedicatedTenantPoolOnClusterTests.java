package io.routingpools.tenant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.routing.PoolRouting;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant with a database of its own (DESIGN section 7): all its work, read-only or not,
 * runs on its pool {@code tenant-<id>}, holds no slot of its quota there, and other
 * tenants stay on the shared pools. The dedicated database is another database of the
 * embedded cluster's primary, which stands in for another server.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class DedicatedTenantPoolOnClusterTests {

	private static final String DATABASE = "bigcorp_db";

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createTheTenantsDatabase(EmbeddedPostgresCluster cluster) throws SQLException {
		try (Connection connection = cluster.primary().connect();
				Statement statement = connection.createStatement();
				ResultSet exists = statement
					.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + DATABASE + "'")) {
			exists.next();
			if (exists.getInt(1) == 0) {
				Nodes.execute(cluster.primary(), "CREATE DATABASE " + DATABASE);
			}
		}
		String url = cluster.primary().jdbcUrl();
		runner = ClusterApplications.jdbc(cluster,
				"routing-pools.tenants.dedicated.bigcorp.url=" + url.substring(0, url.lastIndexOf('/') + 1) + DATABASE,
				"routing-pools.tenants.dedicated.bigcorp.maximum-pool-size=2");
	}

	@Test
	void aDedicatedTenantsWritesRunOnItsOwnDatabase() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
			String database = TenantScope
				.call("bigcorp",
						() -> transaction.execute((status) -> jdbc.queryForObject(
								"SELECT current_database() || ' ' || current_setting('application_name')",
								String.class)));
			assertThat(database).isEqualTo(DATABASE + " tenant-bigcorp");
		});
	}

	@Test
	void aDedicatedTenantsReadOnlyWorkRunsOnItsOwnDatabaseNotOnAReplica() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = new TransactionTemplate(
					context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			String served = TenantScope.call("bigcorp", () -> readOnly.execute((status) -> jdbc
				.queryForObject("SELECT current_database() || ' ' || pg_is_in_recovery()", String.class)));
			assertThat(served).isEqualTo(DATABASE + " false");
		});
	}

	@Test
	void otherTenantsStayOnTheSharedPools() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			String served = TenantScope.call("acme",
					() -> jdbc.queryForObject("SELECT current_setting('application_name')", String.class));
			assertThat(served).isEqualTo("primary");
		});
	}

	@Test
	void aDedicatedTenantsWorkHoldsNoSlotOfItsQuota() {
		runner.withPropertyValues("routing-pools.tenants.default-quota=1", "routing-pools.tenants.quota-wait-timeout=0")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				TransactionTemplate transaction = context.getBean(TransactionTemplate.class);
				TenantScope.run("bigcorp", () -> transaction.executeWithoutResult((outer) -> {
					jdbc.queryForObject("SELECT 1", Integer.class);
					assertThat(context.getBean(Tenants.class).tenant("bigcorp").usage()).isZero();
				}));
			});
	}

	@Test
	void aDedicatedTenantsWorkNamedToTheSharedPrimaryRunsThere() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			String served = TenantScope.call("bigcorp", () -> PoolRouting.call("primary",
					() -> jdbc.queryForObject("SELECT current_setting('application_name')", String.class)));
			assertThat(served).isEqualTo("primary");
		});
	}

}
