package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import io.routingpools.autoconfigure.InvalidRoutingPoolsConfigurationException.Problem;
import io.routingpools.pool.JdbcUrls;
import io.routingpools.pool.PoolDefinition;
import io.routingpools.pool.PoolRole;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the bound properties into one {@link PoolDefinition} per pool (DESIGN section
 * 3): inheritance (the pool's own value, then {@code routing-pools.defaults}, then for
 * the primary {@link SpringDataSourceSettings Spring Boot's settings}), each role's
 * built-in defaults, and a refusal of configurations that cannot work.
 */
final class PoolDefinitionsResolver {

	static final String PRIMARY = "primary";

	static final String ADMIN = "admin";

	/** Replica connection timeout: fail over to another replica quickly. */
	static final Duration REPLICA_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

	/** Replica validation timeout, below the connection timeout. */
	static final Duration REPLICA_VALIDATION_TIMEOUT = Duration.ofMillis(500);

	/** Replica keepalive, so idle connections to a dead host are found. */
	static final Duration REPLICA_KEEPALIVE_TIME = Duration.ofSeconds(30);

	/** Replica socket timeout margin above the statement timeout. */
	static final Duration REPLICA_SOCKET_TIMEOUT_MARGIN = Duration.ofSeconds(5);

	/** Replica socket timeout base when no statement timeout is set. */
	static final Duration REPLICA_SOCKET_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

	/** Admin pool size unless set on the admin pool itself. */
	static final int ADMIN_MAXIMUM_POOL_SIZE = 2;

	/** pgjdbc's property for the session's application_name. */
	static final String APPLICATION_NAME = "ApplicationName";

	private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

	private static final String PREFIX = "routing-pools.";

	private final RoutingPoolsProperties properties;

	private final PoolProperties springDataSource;

	private final HikariConfigMapper hikariMapper = new HikariConfigMapper(PoolProperties.class);

	private final List<Problem> problems = new ArrayList<>();

	/**
	 * Create a resolver.
	 * @param properties the bound {@code routing-pools} properties
	 * @param springDataSource {@link SpringDataSourceSettings Spring Boot's settings},
	 * inherited by the primary only
	 */
	PoolDefinitionsResolver(RoutingPoolsProperties properties, PoolProperties springDataSource) {
		this.properties = properties;
		this.springDataSource = springDataSource;
	}

	/**
	 * Resolve every pool.
	 * @return primary first, then the replicas in declaration order, then admin
	 * @throws InvalidRoutingPoolsConfigurationException listing every problem found
	 */
	List<PoolDefinition> resolve() {
		checkLayer("defaults", this.properties.getDefaults());
		checkLayer(PRIMARY, this.properties.getPrimary());
		checkLayer(ADMIN, this.properties.getAdmin());
		checkReplicaNames();
		this.properties.getReplicas().forEach((name, replica) -> {
			checkLayer("replicas." + name, replica);
			checkWeight(name, replica);
		});
		checkAtLeast("routing.fallback-max-concurrency", this.properties.getRouting().getFallbackMaxConcurrency(), 0);

		PoolProperties primary = PoolProperties.layered(this.properties.getPrimary(), this.properties.getDefaults(),
				this.springDataSource);
		if (primary.getUrl() == null) {
			problem("primary.url", null,
					"there is no primary database: neither routing-pools.primary.url nor spring.datasource.url is set, "
							+ "and there is no JdbcConnectionDetails bean",
					"Set routing-pools.primary.url (or spring.datasource.url) to the primary's JDBC URL, for example "
							+ "jdbc:postgresql://primary:5432/app");
		}
		List<PoolDefinition> definitions = new ArrayList<>();
		List<PoolDefinition> replicas = new ArrayList<>();
		this.properties.getReplicas().forEach((name, replica) -> {
			PoolDefinition definition = replica(name, replica, primary);
			if (definition != null) {
				replicas.add(definition);
			}
		});
		if (!this.problems.isEmpty()) {
			throw new InvalidRoutingPoolsConfigurationException(this.problems);
		}
		definitions.add(definition(PRIMARY, PoolRole.PRIMARY, primary, 1));
		definitions.addAll(replicas);
		definitions.add(admin(primary));
		return definitions;
	}

	private @Nullable PoolDefinition replica(String name, ReplicaProperties own, PoolProperties primary) {
		PoolProperties replica = PoolProperties.layered(own, this.properties.getDefaults());
		String url = own.getUrl();
		if (url == null) {
			problem("replicas." + name + ".url", null, "every replica needs its own JDBC URL",
					"Set " + PREFIX + "replicas." + name + ".url to the replica's JDBC URL (one host), for example "
							+ "jdbc:postgresql://" + name + ":5432/app, or remove the replica");
			return null;
		}
		if (JdbcUrls.hasSeveralHosts(url)) {
			problem("replicas." + name + ".url", JdbcUrls.mask(url), "a replica URL must name exactly one host",
					"Declare one replica per host under " + PREFIX + "replicas");
			return null;
		}
		// The primary's credentials, unless the replica (or defaults) gives its own. A
		// credentials provider outranks a username in HikariCP: inherit it only by a
		// replica without a username of its own.
		if (replica.getUsername() == null && replica.getCredentialsProviderClassName() == null) {
			replica.setCredentialsProviderClassName(primary.getCredentialsProviderClassName());
		}
		replica.setUsername(firstNonNull(replica.getUsername(), primary.getUsername()));
		replica.setPassword(firstNonNull(replica.getPassword(), primary.getPassword()));
		// A logical connection must look the same whichever pool it binds to.
		replica.setAutoCommit(primary.getAutoCommit());
		replica.setTransactionIsolation(primary.getTransactionIsolation());
		// Short failure settings: from the replica's own keys only, so that a defaults
		// section written for the primary does not slow down failover between replicas.
		replica.setConnectionTimeout(firstNonNull(own.getConnectionTimeout(), REPLICA_CONNECTION_TIMEOUT));
		replica.setValidationTimeout(firstNonNull(own.getValidationTimeout(), REPLICA_VALIDATION_TIMEOUT));
		replica.setKeepaliveTime(firstNonNull(own.getKeepaliveTime(), REPLICA_KEEPALIVE_TIME));
		replica.setInitializationFailTimeout(firstNonNull(own.getInitializationFailTimeout(), Duration.ofMillis(-1)));
		Duration statementTimeout = firstNonNull(replica.getStatementTimeout(), Duration.ZERO);
		Duration socketTimeout = (statementTimeout.isZero() ? REPLICA_SOCKET_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT
				: statementTimeout)
			.plus(REPLICA_SOCKET_TIMEOUT_MARGIN);
		replica.getDataSourceProperties()
			.putIfAbsent("socketTimeout", Long.toString((socketTimeout.toMillis() + 999) / 1000));
		int weight = (own.getWeight() != null) ? own.getWeight() : 1;
		return definition(name, PoolRole.REPLICA, replica, weight);
	}

	private PoolDefinition admin(PoolProperties primary) {
		PoolProperties own = this.properties.getAdmin();
		PoolProperties admin = PoolProperties.layered(own, this.properties.getDefaults(), primary);
		// Small, and never cut short: these come from the admin pool's own settings only.
		admin.setMaximumPoolSize(firstNonNull(own.getMaximumPoolSize(), ADMIN_MAXIMUM_POOL_SIZE));
		admin.setMinimumIdle(firstNonNull(own.getMinimumIdle(), 0));
		admin.setStatementTimeout(firstNonNull(own.getStatementTimeout(), Duration.ZERO));
		return definition(ADMIN, PoolRole.ADMIN, admin, 1);
	}

	private PoolDefinition definition(String name, PoolRole role, PoolProperties settings, int weight) {
		String isolation = settings.getTransactionIsolation();
		if (isolation != null) {
			settings.setTransactionIsolation(IsolationLevels.toHikari(isolation));
		}
		HikariConfig hikari = this.hikariMapper.toHikariConfig(settings);
		// Sessions show their pool in pg_stat_activity unless the application names them.
		hikari.getDataSourceProperties().putIfAbsent(APPLICATION_NAME, name);
		hikari.setReadOnly(role == PoolRole.REPLICA);
		Duration statementTimeout = firstNonNull(settings.getStatementTimeout(), Duration.ZERO);
		int maxWaiting = firstNonNull(settings.getMaxWaiting(), 0);
		return new PoolDefinition(name, role, hikari, statementTimeout, maxWaiting, weight);
	}

	private void checkReplicaNames() {
		Map<String, String> seen = new HashMap<>();
		seen.put(PRIMARY, PRIMARY);
		seen.put(ADMIN, ADMIN);
		for (String name : this.properties.getReplicas().keySet()) {
			String key = name.toLowerCase(Locale.ROOT);
			if (!POOL_NAME.matcher(name).matches()) {
				problem("replicas." + name, name,
						"a pool name is 1 to 63 letters, digits, '-' or '_', starting with " + "a letter or digit",
						"Rename the replica under " + PREFIX + "replicas");
			}
			else if (key.equals(PRIMARY) || key.equals(ADMIN) || key.startsWith("tenant-")) {
				problem("replicas." + name, name, "'primary', 'admin' and 'tenant-*' are reserved pool names",
						"Rename the replica under " + PREFIX + "replicas, for example to 'replica-1'");
			}
			else if (seen.putIfAbsent(key, name) != null) {
				problem("replicas." + name, name,
						"the name duplicates replica '" + seen.get(key) + "' (pool names are compared ignoring case)",
						"Give each replica a distinct name");
			}
		}
	}

	private void checkLayer(String path, PoolProperties layer) {
		checkAtLeast(path + ".maximum-pool-size", layer.getMaximumPoolSize(), 1);
		checkAtLeast(path + ".minimum-idle", layer.getMinimumIdle(), 0);
		checkAtLeast(path + ".max-waiting", layer.getMaxWaiting(), 0);
		checkNotNegative(path + ".statement-timeout", layer.getStatementTimeout());
		checkAtLeast(path + ".connection-timeout", layer.getConnectionTimeout(), Duration.ofMillis(250));
		checkAtLeast(path + ".validation-timeout", layer.getValidationTimeout(), Duration.ofMillis(250));
		checkNotNegative(path + ".idle-timeout", layer.getIdleTimeout());
		checkNotNegative(path + ".max-lifetime", layer.getMaxLifetime());
		checkNotNegative(path + ".keepalive-time", layer.getKeepaliveTime());
		checkNotNegative(path + ".leak-detection-threshold", layer.getLeakDetectionThreshold());
		checkIsolation(path + ".transaction-isolation", layer.getTransactionIsolation());
	}

	private void checkIsolation(String property, @Nullable String value) {
		if (value != null && !IsolationLevels.isLevel(value)) {
			problem(property, value, "names no transaction isolation level",
					"Set " + PREFIX + property + " to " + IsolationLevels.ACCEPTED + ", or remove it");
		}
	}

	private void checkWeight(String name, ReplicaProperties replica) {
		checkAtLeast("replicas." + name + ".weight", replica.getWeight(), 1);
	}

	private void checkAtLeast(String property, @Nullable Integer value, int minimum) {
		if (value != null && value < minimum) {
			problem(property, value.toString(), "must be at least " + minimum,
					"Set " + PREFIX + property + " to " + minimum + " or more, or remove it to use the default");
		}
	}

	private void checkAtLeast(String property, @Nullable Duration value, Duration minimum) {
		if (value != null && value.compareTo(minimum) < 0) {
			problem(property, ReportedValues.format(value), "must be at least " + minimum.toMillis() + "ms", "Set "
					+ PREFIX + property + " to " + minimum.toMillis() + "ms or more, or remove it to use the default");
		}
	}

	private void checkNotNegative(String property, @Nullable Duration value) {
		checkAtLeast(property, value, Duration.ZERO);
	}

	private void problem(String property, @Nullable String value, String reason, String action) {
		this.problems.add(new Problem(PREFIX + property, (value != null) ? value : "(none)", reason, action));
	}

	private static <T> T firstNonNull(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	// Connection settings that may stay unset: String arguments pick this overload.
	private static @Nullable String firstNonNull(@Nullable String value, @Nullable String fallback) {
		return (value != null) ? value : fallback;
	}

}
