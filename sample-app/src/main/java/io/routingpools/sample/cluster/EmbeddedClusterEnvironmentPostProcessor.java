package io.routingpools.sample.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import org.apache.commons.logging.Log;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts an embedded PostgreSQL cluster (a primary and two streaming replicas on free
 * loopback ports) before the application context exists, and adds its JDBC URLs and
 * credentials as {@code routing-pools.*} defaults (lowest precedence, so any explicitly
 * configured value wins). The cluster becomes the {@value #BEAN_NAME} bean and is closed
 * when the application context closes, after every bean that uses it (the pools) has been
 * destroyed; also when the context fails to start.
 * <p>
 * Set {@value #ENABLED_PROPERTY} to {@code false} to use external servers given by
 * {@code routing-pools.*} or {@code spring.datasource.*} instead.
 */
public class EmbeddedClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Whether the application runs on the embedded cluster. */
	public static final String ENABLED_PROPERTY = "sample.embedded-cluster.enabled";

	/** Name of the property source with the cluster's connection properties. */
	public static final String PROPERTY_SOURCE_NAME = "embeddedPostgresCluster";

	/** Name of the cluster's singleton bean. */
	public static final String BEAN_NAME = "embeddedPostgresCluster";

	static final int REPLICAS = 2;

	static final String DATABASE = "app";

	private final Log logger;

	private final ConfigurableBootstrapContext bootstrapContext;

	public EmbeddedClusterEnvironmentPostProcessor(DeferredLogFactory logFactory,
			ConfigurableBootstrapContext bootstrapContext) {
		this.logger = logFactory.getLog(EmbeddedClusterEnvironmentPostProcessor.class);
		this.bootstrapContext = bootstrapContext;
	}

	/**
	 * After config data, so that {@code application.yml} and profiles can switch the
	 * cluster off.
	 */
	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		EmbeddedClusterProperties settings = Binder.get(environment)
			.bind(EmbeddedClusterProperties.PREFIX, EmbeddedClusterProperties.class)
			.orElseGet(EmbeddedClusterProperties::new);
		if (!settings.isEnabled()) {
			this.logger.info("Embedded PostgreSQL cluster is off (" + ENABLED_PROPERTY
					+ "=false): using the servers given by routing-pools.* / spring.datasource.*");
			return;
		}
		if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return; // this environment already has a cluster
		}
		EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder()
			.replicas(REPLICAS)
			.database(DATABASE)
			.start();
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, properties(cluster)));
		this.bootstrapContext.addCloseListener((event) -> closeWith(event.getApplicationContext(), cluster));
		this.logger.info("Started embedded PostgreSQL cluster: " + describe(cluster));
	}

	static Map<String, Object> properties(EmbeddedPostgresCluster cluster) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("routing-pools.primary.url", cluster.primary().jdbcUrl());
		for (PostgresNode replica : cluster.replicas()) {
			properties.put("routing-pools.replicas." + replica.name() + ".url", replica.jdbcUrl());
		}
		properties.put("routing-pools.defaults.username", cluster.username());
		properties.put("routing-pools.defaults.password", cluster.password());
		return properties;
	}

	/**
	 * Registers the cluster as a bean that the context closes. Registered before any
	 * other bean exists, it is destroyed last: after the web server has stopped and the
	 * pools are closed.
	 */
	private static void closeWith(ConfigurableApplicationContext context, EmbeddedPostgresCluster cluster) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(BEAN_NAME, cluster);
		if (!(beanFactory instanceof DefaultSingletonBeanRegistry registry)) {
			cluster.close();
			throw new IllegalStateException("Cannot register the embedded PostgreSQL cluster for closing with "
					+ beanFactory.getClass().getName());
		}
		registry.registerDisposableBean(BEAN_NAME, cluster::close);
	}

	private static String describe(EmbeddedPostgresCluster cluster) {
		StringBuilder text = new StringBuilder(cluster.primary().name()).append(" on port ")
			.append(cluster.primary().port());
		for (PostgresNode replica : cluster.replicas()) {
			text.append(", ").append(replica.name()).append(" on port ").append(replica.port());
		}
		return text.toString();
	}

}
