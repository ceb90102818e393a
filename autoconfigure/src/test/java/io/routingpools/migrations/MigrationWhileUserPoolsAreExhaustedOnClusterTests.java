package io.routingpools.migrations;

import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import io.routingpools.tenant.TenantScope;
import io.routingpools.tenant.Tenants;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.HeldTransactions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Flyway migration runs on the admin pool while user traffic holds every connection of
 * the primary and the replica pools and its tenant is at its quota (DESIGN section 7):
 * operator work never queues behind users. The migration runs when the test asks, not at
 * startup, into a schema of its own (the cluster is shared by the test run).
 */
@ExtendWith(EmbeddedClusterExtension.class)
class MigrationWhileUserPoolsAreExhaustedOnClusterTests {

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster shared) {
		cluster = shared;
		runner = ClusterApplications
			.jdbc(cluster, "routing-pools.defaults.connection-timeout=250ms", "routing-pools.tenants.quotas.acme=1",
					"routing-pools.tenants.quota-wait-timeout=100ms", "spring.flyway.locations=classpath:flyway-probe",
					"spring.flyway.default-schema=flyway_exhausted", "spring.flyway.create-schemas=true")
			.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withUserConfiguration(MigrateWhenAsked.class);
	}

	@Test
	void flywayMigratesOnTheAdminPoolWhileEveryUserPoolIsExhausted() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			List<Connection> borrowed = new ArrayList<>();
			try (HeldTransactions held = new HeldTransactions(jdbc)) {
				held.hold("acme", new TransactionTemplate(context.getBean(PlatformTransactionManager.class)))
					.awaitBound();
				assertThat(context.getBean(Tenants.class).tenant("acme").usage()).isEqualTo(1);
				for (NamedPool pool : context.getBean(NamedPools.class).all()) {
					if (pool.role() == PoolRole.PRIMARY || pool.role() == PoolRole.REPLICA) {
						exhaust(pool.dataSource(), borrowed);
					}
				}
				assertThatThrownBy(() -> jdbc.execute("select 1")).rootCause()
					.isInstanceOf(SQLTransientConnectionException.class);
				MigrateResult result = TenantScope.call("acme", () -> context.getBean(Flyway.class).migrate());
				assertThat(result.migrationsExecuted).isOne();
				assertThat(recordedPool()).isEqualTo("admin");
			}
			finally {
				for (Connection connection : borrowed) {
					connection.close();
				}
			}
		});
	}

	private static void exhaust(HikariDataSource pool, List<Connection> borrowed) throws Exception {
		HikariPoolMXBean bean = pool.getHikariPoolMXBean();
		while (bean.getActiveConnections() < pool.getMaximumPoolSize()) {
			borrowed.add(pool.getConnection());
		}
		assertThat(bean.getIdleConnections()).as(pool.getPoolName()).isZero();
	}

	private static String recordedPool() throws Exception {
		try (var connection = cluster.primary().connect();
				var statement = connection.createStatement();
				var rs = statement.executeQuery("select pool_name from flyway_exhausted.flyway_probe")) {
			assertThat(rs.next()).isTrue();
			return rs.getString(1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class MigrateWhenAsked {

		@Bean
		FlywayMigrationStrategy migrateWhenAsked() {
			return (flyway) -> {
			};
		}

	}

}
