package io.routingpools.autoconfigure;

import java.util.Objects;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.TestReplicaStates;
import io.routingpools.routing.RoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the {@code routingPools} health contributor in place of Spring Boot's
 * {@code db} contributor. No server is needed: nothing listens on the pools' URLs.
 */
class RoutingPoolsHealthAutoConfigurationTests {

	private static final String BIGCORP_URL = "routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, RoutingPoolsHealthAutoConfiguration.class,
						DataSourceAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
						HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				// No server: the monitor would find every node down; these tests set the
				// findings themselves.
				"routing-pools.health.enabled=false", "routing-pools.defaults.minimum-idle=0",
				"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a",
				"routing-pools.replicas.replica-b.url=jdbc:postgresql://127.0.0.1:9/replica_b");

	@Test
	void routingPoolsReplacesSpringBootsDbContributor() {
		this.runner.run((context) -> {
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.stream().map(HealthContributors.Entry::name)).containsExactlyInAnyOrder("ping",
					"routingPools");
			assertThat(registry.getContributor("db")).isNull();
		});
	}

	@Test
	void dbHealthContributorIsAnAliasOfRoutingPools() {
		this.runner.run((context) -> {
			assertThat(context.getBean("dbHealthContributor"))
				.isSameAs(context.getBean("routingPoolsHealthContributor"));
			assertThat(context.getBeansOfType(HealthContributor.class)).doesNotContainKey("dbHealthContributor");
		});
	}

	@Test
	void routingPoolsHasAComponentPerPool() {
		this.runner.run((context) -> assertThat(routingPools(context).stream().map(HealthContributors.Entry::name))
			.containsExactly("primary", "replica-a", "replica-b", "admin"));
	}

	@Test
	void dedicatedTenantPoolHasAComponentNamedAfterItsPool() {
		this.runner.withPropertyValues(BIGCORP_URL)
			.run((context) -> assertThat(routingPools(context).stream().map(HealthContributors.Entry::name))
				.containsExactly("primary", "replica-a", "replica-b", "admin", "tenant-bigcorp"));
	}

	// Nothing listens on its URL: the pool has no connection, and the component says so
	// in its figures without a DOWN.
	@Test
	void dedicatedTenantComponentShowsItsPoolFiguresAndIsUpWhateverTheMonitorFinds() {
		this.runner.withPropertyValues(BIGCORP_URL).run((context) -> {
			TestReplicaStates.setPrimary(context.getBean(ReplicaStates.class), false, "connection refused");
			Health tenant = component(context, "tenant-bigcorp");
			assertThat(tenant.getStatus()).isEqualTo(Status.UP);
			assertThat(tenant.getDetails()).containsOnlyKeys("active", "idle", "waiting", "size", "maximumPoolSize")
				.containsEntry("size", 0);
		});
	}

	@Test
	void componentsAreUpBeforeTheMonitorsFirstCheck() {
		this.runner.run((context) -> {
			Health primary = component(context, "primary");
			assertThat(primary.getStatus()).isEqualTo(Status.UP);
			assertThat(primary.getDetails()).containsEntry("state", "not checked yet");
		});
	}

	@Test
	void primaryComponentIsDownWhenTheMonitorFindsThePrimaryUnreachable() {
		this.runner.run((context) -> {
			TestReplicaStates.setPrimary(context.getBean(ReplicaStates.class), false, "connection refused");
			assertThat(component(context, "primary").getStatus()).isEqualTo(Status.DOWN);
			assertThat(component(context, "admin").getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void routingPoolsIsDownInTheHealthEndpointWhenThePrimaryIsFoundUnreachable() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(EndpointAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.run((context) -> {
				HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
				assertThat(Objects.requireNonNull(endpoint.healthForPath("routingPools")).getStatus())
					.isEqualTo(Status.UP);
				TestReplicaStates.setPrimary(context.getBean(ReplicaStates.class), false, "connection refused");
				assertThat(Objects.requireNonNull(endpoint.healthForPath("routingPools")).getStatus())
					.isEqualTo(Status.DOWN);
				assertThat(endpoint.health().getStatus()).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void replicaComponentShowsItsStateAndStaysUpWhileReadsCanBeServed() {
		this.runner.run((context) -> {
			TestReplicaStates.set(context.getBean(ReplicaStates.class), pool(context, "replica-a"),
					ReplicaState.LAGGING, "behind by 20 MB");
			Health replica = component(context, "replica-a");
			assertThat(replica.getStatus()).isEqualTo(Status.UP);
			assertThat(replica.getDetails()).containsEntry("state", "lagging")
				.containsEntry("reason", "behind by 20 MB");
		});
	}

	@Test
	void replicaComponentsAreDownWhenNoReplicaServesReadsAndFallbackIsOff() {
		this.runner.withPropertyValues("routing-pools.routing.fallback-to-primary=false").run((context) -> {
			ReplicaStates states = context.getBean(ReplicaStates.class);
			TestReplicaStates.set(states, pool(context, "replica-a"), ReplicaState.DOWN, "connection refused");
			TestReplicaStates.set(states, pool(context, "replica-b"), ReplicaState.DOWN, "connection refused");
			assertThat(component(context, "replica-a").getStatus()).isEqualTo(Status.DOWN);
			assertThat(component(context, "replica-b").getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void noDetailIsASecret() {
		this.runner.withPropertyValues("routing-pools.defaults.password=s3cret").run((context) -> {
			for (HealthContributors.Entry entry : routingPools(context)) {
				assertThat(((HealthIndicator) entry.contributor()).health().getDetails().values())
					.allSatisfy((value) -> assertThat(String.valueOf(value)).doesNotContain("s3cret"));
			}
		});
	}

	@Test
	void backsOffForTheApplicationsOwnDbHealthContributor() {
		this.runner.withUserConfiguration(OwnDbHealthContributor.class).run((context) -> {
			assertThat(context).doesNotHaveBean("routingPoolsHealthContributor");
			assertThat(context.getBean("dbHealthContributor")).isSameAs(OwnDbHealthContributor.CONTRIBUTOR);
		});
	}

	// Spring Boot's db contributor then comes back, as nothing is named
	// dbHealthContributor any more: docs/operations.md says so.
	@Test
	void backsOffForTheApplicationsOwnRoutingPoolsHealthContributor() {
		this.runner.withUserConfiguration(OwnRoutingPoolsHealthContributor.class).run((context) -> {
			assertThat(context.getBean("routingPoolsHealthContributor"))
				.isSameAs(OwnRoutingPoolsHealthContributor.CONTRIBUTOR);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("db")).isNotNull();
		});
	}

	@Test
	void switchedOffByTheManagementHealthProperty() {
		this.runner
			.withPropertyValues("management.health.routingpools.enabled=false", "management.health.db.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("routingPoolsHealthContributor");
				assertThat(context.getBean(HealthContributorRegistry.class).getContributor("routingPools")).isNull();
				assertThat(context.getBean(HealthContributorRegistry.class).getContributor("db")).isNull();
			});
	}

	@Test
	void switchedOffWithTheDefaultsOfEveryHealthIndicator() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("routingPoolsHealthContributor"));
	}

	@Test
	void applicationStartsWithoutSpringBootHealth() {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
					RoutingPoolsHealthAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
					"routing-pools.defaults.minimum-idle=0",
					"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RoutingDataSource.class);
				assertThat(context).doesNotHaveBean("routingPoolsHealthContributor");
				assertThat(context).doesNotHaveBean("dbHealthContributor");
			});
	}

	@Test
	void absentWhenRoutingPoolsIsSwitchedOff() {
		this.runner
			.withPropertyValues("routing-pools.enabled=false",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("routingPoolsHealthContributor");
				assertThat(context.getBean(HealthContributorRegistry.class).getContributor("db")).isNotNull();
			});
	}

	private static CompositeHealthContributor routingPools(AssertableApplicationContext context) {
		return context.getBean("routingPoolsHealthContributor", CompositeHealthContributor.class);
	}

	private static Health component(AssertableApplicationContext context, String pool) {
		HealthContributor component = Objects.requireNonNull(routingPools(context).getContributor(pool), pool);
		return ((HealthIndicator) component).health();
	}

	private static NamedPool pool(AssertableApplicationContext context, String name) {
		return Objects.requireNonNull(context.getBean(NamedPools.class).find(name), name);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDbHealthContributor {

		static final HealthIndicator CONTRIBUTOR = () -> Health.up().build();

		@Bean
		HealthIndicator dbHealthContributor() {
			return CONTRIBUTOR;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRoutingPoolsHealthContributor {

		static final HealthIndicator CONTRIBUTOR = () -> Health.up().build();

		@Bean
		HealthIndicator routingPoolsHealthContributor() {
			return CONTRIBUTOR;
		}

	}

}
