package io.routingpools.autoconfigure;

import java.util.Map;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ClusterApplications;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health endpoint of an application on a healthy cluster, with Spring Boot's health
 * autoconfiguration as an application with the actuator has it.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class HealthOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createRunner(EmbeddedPostgresCluster cluster) {
		runner = ClusterApplications.jdbc(cluster, "management.endpoint.health.show-details=always")
			.withConfiguration(AutoConfigurations.of(RoutingPoolsHealthAutoConfiguration.class,
					DataSourceHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, EndpointAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class));
	}

	@Test
	void allUpHealthIsUpWithAComponentPerPoolAndNoDbContributor() {
		runner.run((context) -> {
			HealthDescriptor health = context.getBean(HealthEndpoint.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<String, HealthDescriptor> components = ((CompositeHealthDescriptor) health).getComponents();
			assertThat(components).containsKey("routingPools").doesNotContainKey("db");
			CompositeHealthDescriptor routingPools = (CompositeHealthDescriptor) components.get("routingPools");
			assertThat(routingPools.getStatus()).isEqualTo(Status.UP);
			assertThat(routingPools.getComponents()).containsOnlyKeys("primary", "replica-1", "replica-2", "admin");
		});
	}

}
