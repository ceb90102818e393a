package io.routingpools.sample.cluster;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.sample.SampleApplication;
import io.routingpools.sample.order.OrderService;
import io.routingpools.sample.product.ProductService;
import io.routingpools.sample.servedby.ServedBy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The embedded cluster's life with the application context, and the switch that replaces
 * it with servers given by configuration. Each test runs its own application (no web
 * server) and closes it.
 */
class EmbeddedClusterTests {

	@Test
	void theClusterStartsWithTheApplicationAndStopsWithIt() {
		EmbeddedPostgresCluster cluster;
		List<PostgresNode> nodes;
		try (ConfigurableApplicationContext context = run()) {
			cluster = context.getBean(EmbeddedClusterEnvironmentPostProcessor.BEAN_NAME, EmbeddedPostgresCluster.class);
			nodes = nodes(cluster);
			assertThat(nodes).extracting(PostgresNode::name).containsExactly("primary", "replica-1", "replica-2");
			assertThat(nodes).allMatch(PostgresNode::isRunning);
			assertThat(context.getEnvironment().getProperty("routing-pools.primary.url"))
				.isEqualTo(cluster.primary().jdbcUrl());
			assertThat(context.getEnvironment().getProperty("routing-pools.replicas.replica-2.url"))
				.isEqualTo(cluster.node("replica-2").jdbcUrl());

			ServedBy read = context.getBean(ProductService.class).findAll().servedBy();
			assertThat(read.replica()).isTrue();
			assertThat(read.port()).isEqualTo(cluster.node(read.node()).port());
		}
		assertThat(nodes).noneMatch(PostgresNode::isRunning);
		for (PostgresNode node : nodes) {
			assertThatExceptionOfType(SQLException.class).as("connecting to stopped %s", node.name())
				.isThrownBy(() -> DriverManager.getConnection(node.jdbcUrl(), credentials(cluster)).close());
		}
	}

	@Test
	void switchedOffTheApplicationUsesTheConfiguredServers() {
		try (EmbeddedPostgresCluster external = EmbeddedPostgresCluster.builder().replicas(1).database("shop").start();
				ConfigurableApplicationContext context = run("--sample.embedded-cluster.enabled=false",
						"--routing-pools.primary.url=" + external.primary().jdbcUrl(),
						"--routing-pools.replicas.reporting.url=" + external.node("replica-1").jdbcUrl(),
						"--routing-pools.defaults.username=" + external.username(),
						"--routing-pools.defaults.password=" + external.password())) {
			assertThat(context.getBeanNamesForType(EmbeddedPostgresCluster.class)).isEmpty();
			assertThat(context.getEnvironment()
				.getPropertySources()
				.contains(EmbeddedClusterEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();

			ServedBy read = context.getBean(ProductService.class).findAll().servedBy();
			assertThat(read).isEqualTo(new ServedBy("replica-1", true, external.node("replica-1").port()));
			ServedBy write = context.getBean(OrderService.class).place(1, 1).servedBy();
			assertThat(write).isEqualTo(new ServedBy("primary", false, external.primary().port()));
		}
	}

	private static ConfigurableApplicationContext run(String... args) {
		return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
			.run(Stream.concat(Stream.of("--spring.main.banner-mode=off"), Stream.of(args)).toArray(String[]::new));
	}

	private static Properties credentials(EmbeddedPostgresCluster cluster) {
		Properties properties = new Properties();
		properties.setProperty("user", cluster.username());
		properties.setProperty("password", cluster.password());
		properties.setProperty("connectTimeout", "5");
		return properties;
	}

	private static List<PostgresNode> nodes(EmbeddedPostgresCluster cluster) {
		return Stream.concat(Stream.of(cluster.primary()), cluster.replicas().stream()).toList();
	}

}
