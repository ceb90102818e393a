package io.routingpools.benchmarks.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.autoconfigure.RoutingPoolsConsistencyAutoConfiguration;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.routing.Route;
import io.routingpools.routing.Router;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One application on the cluster: the starter, Spring's
 * {@code DataSourceTransactionManager} and a {@code JdbcTemplate}, as an application that
 * uses {@code @Transactional} would have them; or ({@link #web}) the same as a servlet
 * web application on embedded Tomcat with the starter's consistency filter and
 * {@link RowsController}. Several may run at once (each has its own pools and monitor).
 */
final class RoutedApp implements AutoCloseable {

	/** The table every part writes to and reads back from. */
	static final String TABLE = "consistency_rows";

	private static final String INSERT = "insert into " + TABLE + " (id, client) values (?, ?)";

	// The row, and which node answered, in one statement of the read's transaction.
	static final String READ = "select count(*), current_setting('cluster_name'), pg_is_in_recovery() from " + TABLE
			+ " where id = ?";

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	final String label;

	private final ConfigurableApplicationContext context;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate writes;

	private final TransactionTemplate reads;

	private final Router router;

	private final ReplicaStates states;

	/**
	 * Start an application.
	 * @param label what to call it in progress messages
	 * @param cluster the cluster
	 * @param primaryUrl the primary's URL (the node's own, or its fault proxy's)
	 * @param properties more properties ({@code routing-pools.consistency.*}, limits)
	 */
	RoutedApp(String label, EmbeddedPostgresCluster cluster, String primaryUrl, String... properties) {
		this(label, false, cluster, primaryUrl, properties);
	}

	/**
	 * Start a web application on a free port of the loopback interface.
	 * @param label what to call it in progress messages
	 * @param cluster the cluster
	 * @param primaryUrl the primary's URL
	 * @param properties more properties
	 * @return the application, serving once this returns
	 */
	static RoutedApp web(String label, EmbeddedPostgresCluster cluster, String primaryUrl, String... properties) {
		return new RoutedApp(label, true, cluster, primaryUrl, properties);
	}

	private RoutedApp(String label, boolean web, EmbeddedPostgresCluster cluster, String primaryUrl,
			String... properties) {
		this.label = label;
		List<String> all = new ArrayList<>(List.of("routing-pools.primary.url=" + primaryUrl,
				"routing-pools.replicas.replica-1.url=" + cluster.replicas().get(0).jdbcUrl(),
				"routing-pools.replicas.replica-2.url=" + cluster.replicas().get(1).jdbcUrl(),
				"routing-pools.defaults.username=" + cluster.username(),
				"routing-pools.defaults.password=" + cluster.password(), "routing-pools.defaults.maximum-pool-size=10",
				"spring.main.banner-mode=off", "logging.level.root=warn"));
		all.addAll(List.of(properties));
		if (web) {
			all.addAll(List.of("server.port=0", "server.address=127.0.0.1"));
			// The shaded jar has no META-INF/spring.factories, where Spring Boot finds
			// the
			// servlet web server's application context: named here.
			this.context = new SpringApplicationBuilder(WebApplication.class).web(WebApplicationType.SERVLET)
				.contextFactory(ApplicationContextFactory.of(AnnotationConfigServletWebServerApplicationContext::new))
				.properties(all.toArray(String[]::new))
				.run();
		}
		else {
			this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
				.properties(all.toArray(String[]::new))
				.run();
		}
		this.jdbc = this.context.getBean(JdbcTemplate.class);
		PlatformTransactionManager transactions = this.context.getBean(PlatformTransactionManager.class);
		this.writes = new TransactionTemplate(transactions);
		this.reads = new TransactionTemplate(transactions);
		this.reads.setReadOnly(true);
		this.router = this.context.getBean(Router.class);
		this.states = this.context.getBean(ReplicaStates.class);
		awaitReplicasUp();
	}

	/**
	 * A write transaction that inserts one row; in modes {@code lsn} and {@code window}
	 * its commit records a token in the current scope.
	 * @param id the row's unique id
	 * @param client who wrote it
	 */
	void write(long id, int client) {
		this.writes.executeWithoutResult((status) -> this.jdbc.update(INSERT, id, client));
	}

	/**
	 * A read-only transaction that reads a row back, routed by the current scope's token.
	 * @param id the row's id
	 * @return whether it was found, and where
	 */
	Read read(long id) {
		Read read = this.reads.execute((status) -> this.jdbc.queryForObject(READ,
				(rs, row) -> new Read(rs.getLong(1) == 1, rs.getString(2), rs.getBoolean(3)), id));
		if (read == null) {
			throw new IllegalStateException("No answer");
		}
		return read;
	}

	/**
	 * The port a web application listens on.
	 * @return the port, on 127.0.0.1
	 */
	int port() {
		WebServer server = (this.context instanceof WebServerApplicationContext web) ? web.getWebServer() : null;
		if (server != null) {
			return server.getPort();
		}
		throw new IllegalStateException(this.label + " is not a web application");
	}

	/**
	 * Bindings so far, per pool and route reason.
	 * @return counts keyed by {@code "<pool> <reason>"}
	 */
	Map<String, Long> routes() {
		Map<String, Long> routes = new TreeMap<>();
		for (Route route : this.router.routes()) {
			routes.merge(route.pool().name() + " " + route.reason().tag(), route.bindings(), Long::sum);
		}
		return routes;
	}

	void awaitReplicasUp() {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (!this.states.all()
			.stream()
			.allMatch((status) -> status.checkedAt() != null && status.state() == ReplicaState.UP)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						this.label + ": replicas not UP within " + PATIENCE + ": " + this.states.all());
			}
			LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
		}
	}

	/**
	 * Whether every replica is still in rotation (no {@code LAGGING} or {@code DOWN}).
	 * @return the states, for a progress message
	 */
	String replicaStates() {
		StringBuilder states = new StringBuilder();
		this.states.all().forEach((status) -> states.append(status.state()).append(' '));
		return states.toString().trim();
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * What a read saw.
	 *
	 * @param found whether the row was there
	 * @param node the server's {@code cluster_name}
	 * @param inRecovery whether the server is a standby
	 */
	record Read(boolean found, String node, boolean inRecovery) {

		boolean onReplica() {
			return this.inRecovery && this.node.startsWith("replica-");
		}

	}

	/** The routing starter with Spring's transaction manager and a JdbcTemplate. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(RoutingPoolsAutoConfiguration.class)
	static class Application {

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

	}

	/**
	 * The same as a servlet web application: Tomcat, the dispatcher servlet, Spring MVC,
	 * the starter's consistency filter
	 * ({@code RoutingPoolsConsistencyAutoConfiguration}), and {@code @Transactional}
	 * controller methods. The auto-configurations are named because the shaded jar has
	 * none of their {@code META-INF/spring} files.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(proxyTargetClass = true)
	@ImportAutoConfiguration({ RoutingPoolsAutoConfiguration.class, RoutingPoolsConsistencyAutoConfiguration.class,
			TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class })
	@Import({ Application.class, RowsController.class })
	static class WebApplication {

	}

}
