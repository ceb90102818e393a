package io.routingpools.test;

import java.util.ArrayList;
import java.util.List;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The {@code routing-pools.*} properties that point an application at an embedded
 * cluster: the primary, each replica under its node name, the credentials, and small
 * pools so that the contexts of a test run stay far below the servers' connection limit.
 */
public final class ClusterProperties {

	private ClusterProperties() {
	}

	public static String[] of(EmbeddedPostgresCluster cluster, String... more) {
		List<String> properties = new ArrayList<>();
		properties.add("routing-pools.primary.url=" + cluster.primary().jdbcUrl());
		for (PostgresNode replica : cluster.replicas()) {
			properties.add("routing-pools.replicas." + replica.name() + ".url=" + replica.jdbcUrl());
		}
		properties.add("routing-pools.defaults.username=" + cluster.username());
		properties.add("routing-pools.defaults.password=" + cluster.password());
		properties.add("routing-pools.defaults.maximum-pool-size=3");
		properties.add("routing-pools.defaults.minimum-idle=0");
		// A loaded machine can make a probe miss the default 250 ms and take a healthy
		// replica out of rotation: tests that time the monitor set their own.
		properties.add("routing-pools.health.probe-timeout=2s");
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	/**
	 * Register the properties of {@link #of} with a Spring test context, for
	 * {@code @DynamicPropertySource}.
	 * @param registry the test context's registry
	 * @param cluster the cluster
	 * @param more more properties, as {@code name=value}
	 */
	public static void register(DynamicPropertyRegistry registry, EmbeddedPostgresCluster cluster, String... more) {
		for (String property : of(cluster, more)) {
			int split = property.indexOf('=');
			registry.add(property.substring(0, split), () -> property.substring(split + 1));
		}
	}

}
