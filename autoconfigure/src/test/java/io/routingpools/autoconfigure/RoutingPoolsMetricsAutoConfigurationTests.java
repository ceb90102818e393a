package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.Objects;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.routingpools.actuate.FailoverCounts;
import io.routingpools.actuate.RoutingPoolsMeters;
import io.routingpools.actuate.TenantMeters;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.TestReplicaStates;
import io.routingpools.routing.Route;
import io.routingpools.routing.RouteReason;
import io.routingpools.routing.Router;
import io.routingpools.routing.TestRoutes;
import io.routingpools.tenant.TenantEvents;
import io.routingpools.tenant.Tenants;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the {@code routingpools.*} meters, of the failover counts the router tells
 * and of the tenant meters the tenants tell. No server is needed: nothing listens on the
 * pools' URLs.
 */
class RoutingPoolsMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, RoutingPoolsMetricsAutoConfiguration.class,
						DataSourceAutoConfiguration.class, MetricsAutoConfiguration.class))
		.withUserConfiguration(Registry.class)
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				// No server: the monitor would find every node down; these tests set the
				// findings themselves.
				"routing-pools.health.enabled=false", "routing-pools.defaults.minimum-idle=0",
				"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a");

	@Test
	void springBootBindsTheRoutingPoolsMeters() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find(RoutingPoolsMeters.LAG_BYTES).tag("pool", "replica-a").gauge()).isNotNull();
			assertThat(registry.find(RoutingPoolsMeters.LAG_SECONDS).tag("pool", "replica-a").gauge()).isNotNull();
			assertThat(registry.find(RoutingPoolsMeters.STATE).tag("pool", "replica-a").gauges()).hasSize(5);
			assertThat(registry.find(RoutingPoolsMeters.FAILOVERS).functionCounters())
				.map((counter) -> counter.getId().getTag("pool"))
				.containsOnly("primary", "replica-a", "admin")
				.hasSize(3 * 6);
			assertThat(registry.find(RoutingPoolsMeters.STANDBY_CANCELLATIONS).functionCounters())
				.map((counter) -> counter.getId().getTag("pool"))
				.containsExactly("replica-a");
		});
	}

	@Test
	void routesCounterCountsBindingsByPoolAndReason() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find(RoutingPoolsMeters.ROUTES).tag("pool", "replica-a").functionCounters())
				.map((counter) -> counter.getId().getTag("reason"))
				.containsExactlyInAnyOrder("read-only", "auto-commit-read", "explicit");
			assertThat(registry.find(RoutingPoolsMeters.ROUTES).tag("pool", "primary").functionCounters())
				.map((counter) -> counter.getId().getTag("reason"))
				.containsExactlyInAnyOrder("write", "explicit", "fallback", "consistency", "standby-unsupported");
			Route write = context.getBean(Router.class)
				.routes()
				.stream()
				.filter((route) -> route.reason() == RouteReason.WRITE)
				.findFirst()
				.orElseThrow();
			TestRoutes.bound(write);
			assertThat(registry.get(RoutingPoolsMeters.ROUTES)
				.tags("pool", "primary", "reason", "write")
				.functionCounter()
				.count()).isEqualTo(1.0);
		});
	}

	@Test
	void routesCounterCountsTenantBindingsOnADedicatedPool() {
		this.runner
			.withPropertyValues("routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class)
				.find(RoutingPoolsMeters.ROUTES)
				.tag("pool", "tenant-bigcorp")
				.functionCounters()).map((counter) -> counter.getId().getTag("reason"))
				.containsExactlyInAnyOrder("tenant", "explicit"));
	}

	@Test
	void springBootBindsTheTenantMetersForConfiguredTenantsAndOther() {
		this.runner
			.withPropertyValues("routing-pools.tenants.quotas.acme=2",
					"routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find(TenantMeters.ACTIVE).gauges()).map((gauge) -> gauge.getId().getTag("tenant"))
					.containsExactlyInAnyOrder("acme", "bigcorp", "other");
				assertThat(registry.find(TenantMeters.WAIT).timers()).map((timer) -> timer.getId().getTag("tenant"))
					.containsExactlyInAnyOrder("acme", "bigcorp", "other");
				assertThat(registry.find(TenantMeters.REJECTIONS).functionCounters())
					.map((counter) -> counter.getId().getTag("tenant"))
					.containsExactlyInAnyOrder("acme", "bigcorp", "other");
			});
	}

	@Test
	void tenantsReportToTheTenantMeters() {
		this.runner.withPropertyValues("routing-pools.tenants.quotas.acme=2").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(Tenants.class).tenant("acme").acquire();
			assertThat(registry.get(TenantMeters.WAIT).tag("tenant", "acme").timer().count()).isOne();
			assertThat(registry.get(TenantMeters.ACTIVE).tag("tenant", "acme").gauge().value()).isOne();
		});
	}

	@Test
	void applicationsOwnTenantEventsReplaceTheTenantMeters() {
		this.runner.withUserConfiguration(OwnTenantEvents.class).run((context) -> {
			assertThat(context).doesNotHaveBean(TenantMeters.class);
			assertThat(context.getBean(Tenants.class)).extracting("events").isSameAs(OwnTenantEvents.EVENTS);
			assertThat(context.getBean(MeterRegistry.class).find(TenantMeters.ACTIVE).gauges()).isEmpty();
		});
	}

	@Test
	void routerTellsTheFailoverCountsBehindTheMeters() {
		this.runner.run((context) -> {
			FailoverEvents events = context.getBean(FailoverEvents.class);
			assertThat(events).isInstanceOf(FailoverCounts.class);
			assertThat(context.getBean(Router.class)).extracting("events").isSameAs(events);
		});
	}

	@Test
	void metersMoveWithTheMonitorsFindingsAndFailoverEvents() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			NamedPool replica = pool(context, "replica-a");
			TestReplicaStates.set(context.getBean(ReplicaStates.class), replica, ReplicaState.LAGGING, "0/3000060",
					1024L, Duration.ofSeconds(7), true);
			context.getBean(FailoverEvents.class).failover(replica, FailoverCause.LAGGING);
			context.getBean(FailoverEvents.class).standbyCancellation(replica);
			assertThat(registry.get(RoutingPoolsMeters.LAG_BYTES).tag("pool", "replica-a").gauge().value())
				.isEqualTo(1024.0);
			assertThat(registry.get(RoutingPoolsMeters.LAG_SECONDS).tag("pool", "replica-a").gauge().value())
				.isEqualTo(7.0);
			assertThat(registry.get(RoutingPoolsMeters.STATE)
				.tags("pool", "replica-a", "state", "lagging")
				.gauge()
				.value()).isOne();
			assertThat(registry.get(RoutingPoolsMeters.FAILOVERS)
				.tags("pool", "replica-a", "cause", "lagging")
				.functionCounter()
				.count()).isOne();
			assertThat(registry.get(RoutingPoolsMeters.STANDBY_CANCELLATIONS)
				.tag("pool", "replica-a")
				.functionCounter()
				.count()).isOne();
		});
	}

	@Test
	void applicationsOwnFailoverEventsReplaceTheCounts() {
		this.runner.withUserConfiguration(OwnFailoverEvents.class).run((context) -> {
			assertThat(context).doesNotHaveBean(FailoverCounts.class);
			assertThat(context.getBean(Router.class)).extracting("events").isSameAs(OwnFailoverEvents.EVENTS);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find(RoutingPoolsMeters.STATE).gauges()).isNotEmpty();
			assertThat(registry.find(RoutingPoolsMeters.FAILOVERS).functionCounters()).isEmpty();
		});
	}

	@Test
	void withoutMicrometerFailoverEventsAreNotCounted() {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("io.micrometer"))
			.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
					RoutingPoolsMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
					"routing-pools.defaults.minimum-idle=0",
					"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(FailoverEvents.class)
					.doesNotHaveBean(RoutingPoolsMeters.class);
				assertThat(context.getBean(Router.class)).extracting("events").isSameAs(FailoverEvents.NONE);
			});
	}

	@Test
	void withoutMicrometerTenantEventsAreNotMeasured() {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("io.micrometer"))
			.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
					RoutingPoolsMetricsAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
					"routing-pools.defaults.minimum-idle=0",
					"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(TenantEvents.class);
				assertThat(context.getBean(Tenants.class)).extracting("events").isSameAs(TenantEvents.NONE);
			});
	}

	@Test
	void absentWhenRoutingPoolsIsSwitchedOff() {
		this.runner
			.withPropertyValues("routing-pools.enabled=false",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(FailoverEvents.class)
				.doesNotHaveBean(RoutingPoolsMeters.class)
				.doesNotHaveBean(TenantEvents.class));
	}

	private static NamedPool pool(AssertableApplicationContext context, String name) {
		return Objects.requireNonNull(context.getBean(NamedPools.class).find(name), name);
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFailoverEvents {

		static final FailoverEvents EVENTS = new FailoverEvents() {
		};

		@Bean
		FailoverEvents failoverEvents() {
			return EVENTS;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTenantEvents {

		static final TenantEvents EVENTS = new TenantEvents() {
		};

		@Bean
		TenantEvents tenantEvents() {
			return EVENTS;
		}

	}

}
