package io.routingpools.migrations;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ClusterProperties;
import io.routingpools.test.DataSourceWrappers;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway and Liquibase migrate through the admin pool unless the application chose their
 * DataSource itself, also when a bean post-processor wraps every DataSource bean. The
 * tests with a wrapper migrate a schema of their own: the cluster is shared by the whole
 * test run, and a migration that has run once does not run again.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class MigrationsOnAdminPoolTests {

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster sharedCluster) {
		cluster = sharedCluster;
		runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class, LiquibaseAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, "spring.flyway.locations=classpath:flyway-probe",
					"spring.flyway.default-schema=flyway_test", "spring.flyway.create-schemas=true",
					"spring.liquibase.change-log=classpath:liquibase-probe/changelog.sql"));
	}

	@Test
	void flywayMigratesThroughTheAdminPool() {
		runner.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.default-schema=flyway_admin")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean("routingPools.admin"));
				assertThat(recordedPool("flyway_admin.flyway_probe")).isEqualTo("admin");
			});
	}

	@Test
	void liquibaseMigratesThroughTheAdminPool() {
		runner.withPropertyValues("spring.flyway.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SpringLiquibase.class).getDataSource())
				.isSameAs(context.getBean("routingPools.admin"));
			assertThat(recordedPool("liquibase_probe")).isEqualTo("admin");
		});
	}

	@Test
	void flywayKeepsTheApplicationsOwnFlywayDataSource() {
		runner.withPropertyValues("spring.liquibase.enabled=false")
			.withUserConfiguration(OwnFlywayDataSource.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean("ownFlywayDataSource"));
			});
	}

	@Test
	void flywayKeepsItsOwnUrl() {
		runner
			.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.url=" + cluster.primary().jdbcUrl(),
					"spring.flyway.user=" + cluster.username(), "spring.flyway.password=" + cluster.password())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource used = context.getBean(Flyway.class).getConfiguration().getDataSource();
				assertThat(used).isNotInstanceOf(HikariDataSource.class);
			});
	}

	@Test
	void flywayWithItsOwnUserDerivesItsConnectionFromTheAdminPool() {
		runner
			.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.user=" + cluster.username(),
					"spring.flyway.password=" + cluster.password())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource used = context.getBean(Flyway.class).getConfiguration().getDataSource();
				try (var connection = used.getConnection()) {
					assertThat(connection.getMetaData().getURL()).isEqualTo(cluster.primary().jdbcUrl());
				}
			});
	}

	@Test
	void flywayMigratesThroughTheAdminPoolBehindADelegatingWrapper() {
		runner.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.default-schema=flyway_delegating")
			.withUserConfiguration(DataSourceWrappers.Delegating.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean("routingPools.admin"));
				assertThat(recordedPool("flyway_delegating.flyway_probe")).isEqualTo("admin");
			});
	}

	@Test
	void flywayMigratesThroughTheAdminPoolBehindAnAopProxy() {
		runner.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.default-schema=flyway_aop_proxy")
			.withUserConfiguration(DataSourceWrappers.AopProxy.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean("routingPools.admin"));
				assertThat(recordedPool("flyway_aop_proxy.flyway_probe")).isEqualTo("admin");
			});
	}

	@Test
	void startsBehindAWrapperWithFlywaySwitchedOff() {
		runner.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.enabled=false")
			.withUserConfiguration(DataSourceWrappers.Delegating.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(Flyway.class);
			});
	}

	@Test
	void liquibaseMigratesThroughTheAdminPoolBehindADelegatingWrapper() throws Exception {
		createSchema("liquibase_delegating");
		// Liquibase alone, as in an application that does not use Flyway
		runner.withClassLoader(new FilteredClassLoader(Flyway.class))
			.withPropertyValues("spring.liquibase.default-schema=liquibase_delegating")
			.withUserConfiguration(DataSourceWrappers.Delegating.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SpringLiquibase.class).getDataSource())
					.isSameAs(context.getBean("routingPools.admin"));
				assertThat(recordedPool("liquibase_delegating.liquibase_probe")).isEqualTo("admin");
			});
	}

	@Test
	void flywayKeepsTheApplicationsOwnFlywayDataSourceBehindAWrapper() {
		runner.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.default-schema=flyway_own_wrapped")
			.withUserConfiguration(OwnFlywayDataSource.class, DataSourceWrappers.Delegating.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource())
					.isSameAs(context.getBean("ownFlywayDataSource"));
			});
	}

	@Test
	void flywayKeepsItsOwnUrlBehindAWrapper() {
		runner
			.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.default-schema=flyway_url_wrapped",
					"spring.flyway.url=" + cluster.primary().jdbcUrl(), "spring.flyway.user=" + cluster.username(),
					"spring.flyway.password=" + cluster.password())
			.withUserConfiguration(DataSourceWrappers.Delegating.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource()).isInstanceOfSatisfying(
						SimpleDriverDataSource.class,
						(used) -> assertThat(used.getUrl()).isEqualTo(cluster.primary().jdbcUrl()));
			});
	}

	@Test
	void flywayWithItsOwnUserBehindAWrapperConnectsToTheAdminPoolsUrl() {
		String adminUrl = cluster.primary().jdbcUrl() + "?tcpKeepAlive=true";
		runner
			.withPropertyValues("spring.liquibase.enabled=false", "spring.flyway.default-schema=flyway_user_wrapped",
					"routing-pools.admin.url=" + adminUrl, "spring.flyway.user=" + cluster.username(),
					"spring.flyway.password=" + cluster.password())
			.withUserConfiguration(DataSourceWrappers.Delegating.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource()).isInstanceOfSatisfying(
						SimpleDriverDataSource.class, (used) -> assertThat(used.getUrl()).isEqualTo(adminUrl));
			});
	}

	private static String recordedPool(String table) throws Exception {
		try (var connection = cluster.primary().connect();
				var statement = connection.createStatement();
				var rs = statement.executeQuery("select pool_name from " + table)) {
			assertThat(rs.next()).isTrue();
			return rs.getString(1);
		}
	}

	private static void createSchema(String schema) throws Exception {
		try (var connection = cluster.primary().connect(); var statement = connection.createStatement()) {
			statement.execute("create schema if not exists " + schema);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFlywayDataSource {

		@Bean(defaultCandidate = false)
		@FlywayDataSource
		HikariDataSource ownFlywayDataSource() {
			HikariDataSource dataSource = DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url(cluster.primary().jdbcUrl())
				.username(cluster.username())
				.password(cluster.password())
				.build();
			dataSource.setPoolName("own-flyway");
			return dataSource;
		}

	}

}
