package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health endpoint while nodes are killed or stopped, on a cluster of this class's
 * own. Each test brings the nodes it harmed back.
 */
class HealthUnderFaultsOnClusterTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedPostgresCluster.builder().replicas(2).start();
		runner = ClusterApplications
			.jdbc(cluster, "management.endpoint.health.show-details=always",
					"routing-pools.health.check-interval=100ms")
			.withConfiguration(AutoConfigurations.of(RoutingPoolsHealthAutoConfiguration.class,
					DataSourceHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, EndpointAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class));
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@AfterEach
	void bringNodesBack() {
		if (!cluster.primary().isRunning()) {
			cluster.primary().start();
		}
		cluster.primary().resume();
		for (PostgresNode replica : cluster.replicas()) {
			if (!replica.isRunning()) {
				replica.start();
			}
		}
	}

	@Test
	void oneReplicaKilledLeavesTheApplicationUpWithTheReplicaDownInItsComponent() {
		runner.run((context) -> {
			awaitReplicaState(context, "replica-1", "up");
			cluster.replicas().get(0).kill();
			awaitReplicaState(context, "replica-1", "down");
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			assertThat(component(context, "replica-1").getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void allReplicasKilledWithFallbackLeavesTheApplicationUp() {
		runner.run((context) -> {
			awaitReplicaState(context, "replica-1", "up");
			cluster.replicas().forEach(PostgresNode::kill);
			awaitReplicaState(context, "replica-1", "down");
			awaitReplicaState(context, "replica-2", "down");
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void allReplicasKilledWithoutFallbackIsDownBecauseNoReadCanBeServed() {
		runner.withPropertyValues("routing-pools.routing.fallback-to-primary=false").run((context) -> {
			awaitReplicaState(context, "replica-1", "up");
			cluster.replicas().forEach(PostgresNode::kill);
			awaitReplicaState(context, "replica-1", "down");
			awaitReplicaState(context, "replica-2", "down");
			assertThat(health(context).getStatus()).isEqualTo(Status.DOWN);
			assertThat(component(context, "primary").getStatus()).isEqualTo(Status.UP);
			assertThat(component(context, "replica-1").getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void aStoppedPrimaryMakesHealthDownAnsweredWithoutHanging() {
		runner.run((context) -> {
			awaitReplicaState(context, "replica-1", "up");
			cluster.primary().suspend();
			await().atMost(PATIENCE).until(() -> Status.DOWN.equals(component(context, "primary").getStatus()));
			// Answered from the monitor's findings: a request never waits on the
			// stopped primary (Spring Boot's db indicator would, with isValid(0)).
			CompletableFuture<Status> status = CompletableFuture.supplyAsync(() -> health(context).getStatus());
			assertThat(status).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(Status.DOWN);
		});
	}

	private static void awaitReplicaState(AssertableApplicationContext context, String replica, String state) {
		await().atMost(PATIENCE).until(() -> state.equals(details(component(context, replica)).get("state")));
	}

	private static HealthDescriptor health(AssertableApplicationContext context) {
		return context.getBean(HealthEndpoint.class).health();
	}

	private static HealthDescriptor component(AssertableApplicationContext context, String pool) {
		CompositeHealthDescriptor routingPools = (CompositeHealthDescriptor) ((CompositeHealthDescriptor) health(
				context))
			.getComponents()
			.get("routingPools");
		return routingPools.getComponents().get(pool);
	}

	private static Map<String, Object> details(HealthDescriptor descriptor) {
		return ((IndicatedHealthDescriptor) descriptor).getDetails();
	}

}
