package io.routingpools.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that passes the {@link SharedEmbeddedCluster shared cluster} to every
 * {@link EmbeddedPostgresCluster} parameter of test constructors, test methods and
 * lifecycle methods, and closes it when the test run ends.
 *
 * <pre class="code">
 * &#64;ExtendWith(EmbeddedClusterExtension.class)
 * class RoutingTest {
 *
 *     &#64;Test
 *     void readsFromReplica(EmbeddedPostgresCluster cluster) { ... }
 *
 * }
 * </pre>
 */
public final class EmbeddedClusterExtension implements ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(EmbeddedClusterExtension.class);

	/**
	 * The shared cluster, for code that is not a JUnit parameter; same as
	 * {@link SharedEmbeddedCluster#get()}.
	 */
	public static EmbeddedPostgresCluster sharedCluster() {
		return SharedEmbeddedCluster.get();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == EmbeddedPostgresCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		// The root store closes its AutoCloseable values when the whole test run ends.
		extensionContext.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(SharedClusterCloser.class, key -> new SharedClusterCloser(), SharedClusterCloser.class);
		return SharedEmbeddedCluster.get();
	}

	private static final class SharedClusterCloser implements AutoCloseable {

		@Override
		public void close() {
			SharedEmbeddedCluster.close();
		}

	}

}
