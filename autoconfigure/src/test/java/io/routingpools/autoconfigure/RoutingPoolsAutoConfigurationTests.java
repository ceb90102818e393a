package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.RoutingPools;
import io.routingpools.consistency.ConsistencyMode;
import io.routingpools.consistency.ConsistencySettings;
import io.routingpools.consistency.ReadYourWrites;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.routing.Route;
import io.routingpools.routing.Router;
import io.routingpools.routing.RoutingDataSource;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.Tenants;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the pools and the routing DataSource. No server is needed: the pools start
 * without connecting (nothing listens on the URLs used here).
 */
class RoutingPoolsAutoConfigurationTests {

	private static final String BIGCORP_URL = "routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0",
				"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/primary",
				"routing-pools.defaults.username=app", "routing-pools.defaults.password=s3cret",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a",
				"routing-pools.replicas.replica-b.url=jdbc:postgresql://127.0.0.1:9/replica_b",
				"routing-pools.replicas.replica-b.weight=2");

	@Test
	void routingDataSourceIsTheApplicationsDataSourceAndSpringBootsPoolBacksOff() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RoutingDataSource.class);
			assertThat(context.getBeanProvider(DataSource.class).getIfUnique()).isInstanceOf(RoutingDataSource.class);
			assertThat(context.getBean("dataSource")).isInstanceOf(RoutingDataSource.class);
		});
	}

	@Test
	void transactionManagerAndJdbcTemplateUseTheRoutingDataSource() {
		this.runner.run((context) -> {
			assertThat(context.getBean(DataSourceTransactionManager.class).getDataSource())
				.isInstanceOf(RoutingDataSource.class);
			assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isInstanceOf(RoutingDataSource.class);
		});
	}

	@Test
	void consistencySettingsReachTheReadYourWritesRules() {
		this.runner
			.withPropertyValues("routing-pools.consistency.mode=window", "routing-pools.consistency.max-wait=5ms",
					"routing-pools.consistency.window=3s", "routing-pools.consistency.token-max-age=1m")
			.run((context) -> assertThat(context.getBean(ReadYourWrites.class).settings())
				.isEqualTo(new ConsistencySettings(ConsistencyMode.WINDOW, Duration.ofMillis(5), Duration.ofSeconds(3),
						Duration.ofMinutes(1))));
	}

	@Test
	void tokensAreHonouredForTheReplicationLagLimitWhenItIsLonger() {
		this.runner
			.withPropertyValues("routing-pools.health.max-replication-lag=2m",
					"routing-pools.consistency.token-max-age=30s")
			.run((context) -> assertThat(context.getBean(ReadYourWrites.class).settings().tokenMaxAge())
				.isEqualTo(Duration.ofMinutes(2)));
	}

	@Test
	void readYourWritesRulesCanBeReplaced() {
		this.runner.withUserConfiguration(OwnReadYourWrites.class)
			.run((context) -> assertThat(context.getBean(Router.class).consistency())
				.isSameAs(context.getBean("ownReadYourWrites"))
				.extracting((rules) -> rules.settings().mode())
				.isEqualTo(ConsistencyMode.NONE));
	}

	@Test
	void eachPoolIsAHikariBeanNamedAfterItsRole() {
		this.runner.run((context) -> {
			assertThat(context.getBeansOfType(HikariDataSource.class)).containsOnlyKeys("routingPools.primary",
					"routingPools.replica-a", "routingPools.replica-b", "routingPools.admin");
			assertThat(pool(context.getBean(NamedPools.class), "replica-a").getPoolName()).isEqualTo("replica-a");
		});
	}

	@Test
	void replicasAreReadOnlyWithShortFailureDefaults() {
		this.runner.run((context) -> {
			HikariDataSource replica = pool(context.getBean(NamedPools.class), "replica-a");
			assertThat(replica.isReadOnly()).isTrue();
			assertThat(replica.getConnectionTimeout()).isEqualTo(1000);
			assertThat(replica.getValidationTimeout()).isEqualTo(500);
			assertThat(replica.getKeepaliveTime()).isEqualTo(30_000);
			assertThat(replica.getInitializationFailTimeout()).isNegative();
			assertThat(replica.getDataSourceProperties()).containsEntry("socketTimeout", "35");
		});
	}

	@Test
	void replicasKeepTheirShortFailureSettingsWhateverTheDefaults() {
		this.runner
			.withPropertyValues("routing-pools.defaults.connection-timeout=3s",
					"routing-pools.defaults.validation-timeout=2s", "routing-pools.defaults.keepalive-time=5m",
					"routing-pools.replicas.replica-b.connection-timeout=2s")
			.run((context) -> {
				NamedPools pools = context.getBean(NamedPools.class);
				assertThat(pool(pools, "primary").getConnectionTimeout()).isEqualTo(3000);
				assertThat(pool(pools, "replica-a").getConnectionTimeout()).isEqualTo(1000);
				assertThat(pool(pools, "replica-a").getValidationTimeout()).isEqualTo(500);
				assertThat(pool(pools, "replica-a").getKeepaliveTime()).isEqualTo(30_000);
				assertThat(pool(pools, "replica-b").getConnectionTimeout()).isEqualTo(2000);
			});
	}

	@Test
	void replicaSocketTimeoutStaysAboveTheStatementTimeout() {
		this.runner.withPropertyValues("routing-pools.defaults.statement-timeout=15s").run((context) -> {
			HikariDataSource replica = pool(context.getBean(NamedPools.class), "replica-a");
			assertThat(replica.getDataSourceProperties()).containsEntry("socketTimeout", "20");
			assertThat(replica.getConnectionInitSql()).isEqualTo("SET statement_timeout = 15000");
		});
	}

	@Test
	void poolsInheritDefaultsAndTheirOwnSettingsWin() {
		this.runner
			.withPropertyValues("routing-pools.defaults.maximum-pool-size=7",
					"routing-pools.replicas.replica-b.maximum-pool-size=3")
			.run((context) -> {
				NamedPools pools = context.getBean(NamedPools.class);
				assertThat(pool(pools, "primary").getMaximumPoolSize()).isEqualTo(7);
				assertThat(pool(pools, "replica-a").getMaximumPoolSize()).isEqualTo(7);
				assertThat(pool(pools, "replica-b").getMaximumPoolSize()).isEqualTo(3);
			});
	}

	@Test
	void replicasAndAdminTakeThePrimarysCredentialsUnlessGivenTheirOwn() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class))
			.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
					"routing-pools.defaults.minimum-idle=0",
					"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/primary",
					"routing-pools.primary.username=owner", "routing-pools.primary.password=pw",
					"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a",
					"routing-pools.replicas.replica-b.url=jdbc:postgresql://127.0.0.1:9/replica_b",
					"routing-pools.replicas.replica-b.username=reader")
			.run((context) -> {
				NamedPools pools = context.getBean(NamedPools.class);
				assertThat(pool(pools, "replica-a").getUsername()).isEqualTo("owner");
				assertThat(pool(pools, "replica-a").getPassword()).isEqualTo("pw");
				assertThat(pool(pools, "replica-b").getUsername()).isEqualTo("reader");
				assertThat(pool(pools, "admin").getUsername()).isEqualTo("owner");
				assertThat(pool(pools, "admin").getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:9/primary");
			});
	}

	@Test
	void adminPoolIsSmallWithoutStatementTimeoutWhateverTheDefaults() {
		this.runner
			.withPropertyValues("routing-pools.defaults.maximum-pool-size=10",
					"routing-pools.defaults.statement-timeout=15s")
			.run((context) -> {
				HikariDataSource admin = pool(context.getBean(NamedPools.class), "admin");
				assertThat(admin.getMaximumPoolSize()).isEqualTo(2);
				assertThat(admin.getConnectionInitSql()).isNull();
			});
	}

	@Test
	void statementTimeoutIsSetBeforeTheApplicationsInitSql() {
		this.runner
			.withPropertyValues("routing-pools.primary.statement-timeout=2s",
					"routing-pools.primary.connection-init-sql=SET search_path = app")
			.run((context) -> assertThat(pool(context.getBean(NamedPools.class), "primary").getConnectionInitSql())
				.isEqualTo("SET statement_timeout = 2000; SET search_path = app"));
	}

	@Test
	void eachPoolNamesItsSessionsAfterItself() {
		this.runner
			.run((context) -> assertThat(pool(context.getBean(NamedPools.class), "replica-b").getDataSourceProperties())
				.containsEntry("ApplicationName", "replica-b"));
	}

	@Test
	void anyHikariSettingCanBeGivenPerPool() {
		this.runner
			.withPropertyValues("routing-pools.primary.leak-detection-threshold=60s",
					"routing-pools.primary.max-lifetime=10m",
					"routing-pools.primary.data-source-properties.sslmode=disable",
					"routing-pools.replicas.replica-a.transaction-isolation=TRANSACTION_SERIALIZABLE")
			.run((context) -> {
				NamedPools pools = context.getBean(NamedPools.class);
				assertThat(pool(pools, "primary").getLeakDetectionThreshold()).isEqualTo(60_000);
				assertThat(pool(pools, "primary").getMaxLifetime()).isEqualTo(600_000);
				assertThat(pool(pools, "primary").getDataSourceProperties()).containsEntry("sslmode", "disable");
				assertThat(pool(pools, "replica-a").getTransactionIsolation())
					.as("replicas keep the primary's isolation")
					.isNull();
			});
	}

	@Test
	void eachDedicatedTenantGetsATenantPoolNamedAfterItAfterTheAdminPool() {
		this.runner.withPropertyValues(BIGCORP_URL).run((context) -> {
			NamedPools pools = context.getBean(NamedPools.class);
			assertThat(pools.names()).containsExactly("primary", "replica-a", "replica-b", "admin", "tenant-bigcorp");
			assertThat(pools.find("tenant-bigcorp").role()).isEqualTo(PoolRole.TENANT);
			assertThat(pool(pools, "tenant-bigcorp").getPoolName()).isEqualTo("tenant-bigcorp");
			assertThat(pool(pools, "tenant-bigcorp").getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:9/bigcorp");
			assertThat(pool(pools, "tenant-bigcorp").isReadOnly()).isFalse();
		});
	}

	@Test
	void dedicatedTenantPoolIsABeanQualifiedWithItsPoolName() {
		this.runner.withPropertyValues(BIGCORP_URL).run((context) -> {
			assertThat(context.getBeansOfType(HikariDataSource.class)).containsKey("routingPools.tenant-bigcorp");
			assertThat(BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), DataSource.class,
					"tenant-bigcorp"))
				.isSameAs(pool(context.getBean(NamedPools.class), "tenant-bigcorp"));
			assertThat(context.getBeanProvider(DataSource.class).getIfUnique()).isInstanceOf(RoutingDataSource.class);
		});
	}

	@Test
	void dedicatedTenantPoolInheritsDefaultsAndThePrimarysCredentialsButNeverItsUrl() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class))
			.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
					"routing-pools.defaults.minimum-idle=0", "routing-pools.defaults.maximum-pool-size=7",
					"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/primary",
					"routing-pools.primary.username=owner", "routing-pools.primary.password=pw", BIGCORP_URL)
			.run((context) -> {
				HikariDataSource tenant = pool(context.getBean(NamedPools.class), "tenant-bigcorp");
				assertThat(tenant.getMaximumPoolSize()).isEqualTo(7);
				assertThat(tenant.getUsername()).isEqualTo("owner");
				assertThat(tenant.getPassword()).isEqualTo("pw");
				assertThat(tenant.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:9/bigcorp");
			});
	}

	@Test
	void dedicatedTenantPoolKeepsItsOwnSettingsAndCredentials() {
		this.runner
			.withPropertyValues(BIGCORP_URL, "routing-pools.defaults.maximum-pool-size=7",
					"routing-pools.tenants.dedicated.bigcorp.maximum-pool-size=4",
					"routing-pools.tenants.dedicated.bigcorp.username=bigcorp",
					"routing-pools.tenants.dedicated.bigcorp.password=bigcorp-pw")
			.run((context) -> {
				HikariDataSource tenant = pool(context.getBean(NamedPools.class), "tenant-bigcorp");
				assertThat(tenant.getMaximumPoolSize()).isEqualTo(4);
				assertThat(tenant.getUsername()).isEqualTo("bigcorp");
				assertThat(tenant.getPassword()).isEqualTo("bigcorp-pw");
			});
	}

	@Test
	void dedicatedTenantPoolNamesItsSessionsAfterItself() {
		this.runner.withPropertyValues(BIGCORP_URL)
			.run((context) -> assertThat(
					pool(context.getBean(NamedPools.class), "tenant-bigcorp").getDataSourceProperties())
				.containsEntry("ApplicationName", "tenant-bigcorp"));
	}

	@Test
	void dedicatedTenantGetsItsPoolAndTheRouterATenantRouteToIt() {
		this.runner.withPropertyValues(BIGCORP_URL).run((context) -> {
			NamedPools pools = context.getBean(NamedPools.class);
			assertThat(context.getBean(Tenants.class).tenant("bigcorp").dedicatedPool())
				.isSameAs(pools.find("tenant-bigcorp"));
			assertThat(context.getBean(Router.class).routes()).extracting(Route::toString)
				.contains("tenant-bigcorp (tenant)", "tenant-bigcorp (explicit)");
		});
	}

	@Test
	void routingPoolsBeanShowsTheConfiguredTenants() {
		this.runner
			.withPropertyValues(BIGCORP_URL, "routing-pools.tenants.quotas.acme=10",
					"routing-pools.tenants.default-quota=3")
			.run((context) -> {
				List<Tenant> tenants = context.getBean(RoutingPools.class).tenants();
				assertThat(tenants).extracting(Tenant::id).containsExactly("acme", "bigcorp");
				assertThat(tenants).extracting(Tenant::quota).containsExactly(10, 3);
				assertThat(tenants.get(1).dedicatedPool())
					.isSameAs(context.getBean(NamedPools.class).find("tenant-bigcorp"));
			});
	}

	@Test
	void primaryComesFromSpringDatasourceWhenRoutingPoolsDoesNotNameIt() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:9/legacy",
					"spring.datasource.username=legacy", "spring.datasource.password=pw",
					"spring.datasource.hikari.maximum-pool-size=6",
					"spring.datasource.hikari.initialization-fail-timeout=-1", "routing-pools.defaults.minimum-idle=0",
					"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a")
			.run((context) -> {
				NamedPools pools = context.getBean(NamedPools.class);
				assertThat(pool(pools, "primary").getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:9/legacy");
				assertThat(pool(pools, "primary").getMaximumPoolSize()).isEqualTo(6);
				assertThat(pool(pools, "replica-a").getUsername()).isEqualTo("legacy");
				assertThat(pool(pools, "replica-a").getMaximumPoolSize())
					.as("spring.datasource.hikari.* applies to the primary only")
					.isEqualTo(10);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnDataSource() {
		this.runner.withUserConfiguration(OwnDataSource.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingDataSource.class);
			assertThat(context).doesNotHaveBean(NamedPools.class);
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner
			.withPropertyValues("routing-pools.enabled=false",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> assertThat(context).doesNotHaveBean(RoutingDataSource.class));
	}

	@Test
	void passwordsAreNotInTheRoutingDataSourcesDescription() {
		this.runner.withPropertyValues("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app?password=hunter2")
			.run((context) -> {
				assertThat(context.getBean(RoutingDataSource.class).toString()).doesNotContain("hunter2");
				assertThat(context.getBean(NamedPools.class).primary().definition().toString())
					.doesNotContain("hunter2")
					.doesNotContain("s3cret")
					.contains("password=******");
			});
	}

	private static HikariDataSource pool(NamedPools pools, String name) {
		return pools.find(name).dataSource();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDataSource {

		@Bean
		DataSource myDataSource() {
			return new SimpleDriverDataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReadYourWrites {

		@Bean
		ReadYourWrites ownReadYourWrites(ReplicaStates states) {
			return new ReadYourWrites(new ConsistencySettings(ConsistencyMode.NONE, Duration.ZERO,
					Duration.ofSeconds(1), Duration.ofSeconds(30)), states, null);
		}

	}

}
