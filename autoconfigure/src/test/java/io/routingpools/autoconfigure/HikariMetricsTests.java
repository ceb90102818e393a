package io.routingpools.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's own pool metrics see every pool once, under the pool's name, and nothing
 * for the routing DataSource itself.
 */
class HikariMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class,
				MetricsAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class))
		.withUserConfiguration(Registry.class)
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0", "routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica");

	@Test
	void hikariMetricsAreTaggedWithEachPoolName() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("hikaricp.connections").gauges()).map((gauge) -> gauge.getId().getTag("pool"))
				.containsExactlyInAnyOrder("primary", "replica-a", "admin");
		});
	}

	@Test
	void dedicatedTenantPoolsHikariMetricsAreTaggedWithItsPoolName() {
		this.runner
			.withPropertyValues("routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("hikaricp.connections").gauges()).map((gauge) -> gauge.getId().getTag("pool"))
					.containsExactlyInAnyOrder("primary", "replica-a", "admin", "tenant-bigcorp");
				assertThat(registry.find("hikaricp.connections.max").tag("pool", "tenant-bigcorp").gauge()).isNotNull();
			});
	}

	@Test
	void jdbcConnectionMetricsCoverEachPoolOnce() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("jdbc.connections.max").gauges()).map((gauge) -> gauge.getId().getTag("name"))
				.containsExactlyInAnyOrder("routingPools.primary", "routingPools.replica-a", "routingPools.admin");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
