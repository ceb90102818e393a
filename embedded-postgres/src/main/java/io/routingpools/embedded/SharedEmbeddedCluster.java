package io.routingpools.embedded;

import org.jspecify.annotations.Nullable;

/**
 * The one cluster, a primary and two replicas, that all tests of a JVM share: started on
 * first use and closed when the JUnit run ends ({@link EmbeddedClusterExtension}) or else
 * when the JVM exits. Starting one cluster per JVM instead of one per test class keeps
 * test suites fast.
 * <p>
 * For code that does not get the cluster as a JUnit parameter, e.g. Spring's
 * {@code @DynamicPropertySource}. Tests that use it must leave it as they found it; tests
 * that change a cluster for good (promotion, a killed primary) build their own with
 * {@link EmbeddedPostgresCluster#builder()}.
 */
public final class SharedEmbeddedCluster {

	private static @Nullable EmbeddedPostgresCluster cluster;

	private SharedEmbeddedCluster() {
	}

	/** The shared cluster, started by the first call (which takes a second or two). */
	public static synchronized EmbeddedPostgresCluster get() {
		if (cluster == null) {
			cluster = EmbeddedPostgresCluster.builder().start();
		}
		return cluster;
	}

	/** Closes the shared cluster; a later {@link #get()} starts a new one. */
	static synchronized void close() {
		if (cluster != null) {
			cluster.close();
			cluster = null;
		}
	}

}
