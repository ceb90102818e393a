package io.routingpools.autoconfigure;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import io.routingpools.pool.JdbcUrls;
import io.routingpools.pool.PoolDefinition;
import io.routingpools.pool.PoolRole;
import io.routingpools.tenant.Tenants;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;

/**
 * Resolves the bound properties into one {@link PoolDefinition} per pool (DESIGN section
 * 3): inheritance (the pool's own value, then {@code routing-pools.defaults}, then for
 * the primary {@link SpringDataSourceSettings Spring Boot's settings}), each role's
 * built-in defaults, and a refusal of configurations that cannot work. The pools are the
 * primary, the replicas, the admin pool and one {@code tenant-<id>} pool per dedicated
 * tenant ({@code routing-pools.tenants.dedicated.<id>}).
 * <p>
 * Every problem reaches one {@link InvalidRoutingPoolsConfigurationException}, whichever
 * layer it is in: each layer is checked on its own ({@link SettingsChecks}) before
 * anything reaches HikariCP, and a value that HikariCP still refuses when a resolved pool
 * is mapped onto it is collected with the others rather than thrown.
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

	private static final Log logger = LogFactory.getLog(PoolDefinitionsResolver.class);

	private final RoutingPoolsProperties properties;

	private final List<SettingsLayer> springDataSource;

	private final HikariConfigMapper hikariMapper = new HikariConfigMapper(PoolProperties.class);

	private final ConfigurationProblems problems = new ConfigurationProblems();

	private final SettingsChecks checks = new SettingsChecks(this.problems);

	/**
	 * Problems found in resolved pools, by where they are written: each is reported once.
	 */
	private final Set<String> reported = new HashSet<>();

	/**
	 * Create a resolver.
	 * @param properties the bound {@code routing-pools} properties
	 * @param springDataSource {@link SpringDataSourceSettings Spring Boot's settings},
	 * inherited by the primary only, most specific first
	 */
	PoolDefinitionsResolver(RoutingPoolsProperties properties, List<SettingsLayer> springDataSource) {
		this.properties = properties;
		this.springDataSource = List.copyOf(springDataSource);
	}

	/**
	 * Resolve every pool.
	 * @return primary first, then the replicas in declaration order, then admin, then the
	 * dedicated tenants' pools in declaration order
	 * @throws InvalidRoutingPoolsConfigurationException listing every problem found
	 */
	List<PoolDefinition> resolve() {
		SettingsLayer defaults = layer("defaults", this.properties.getDefaults());
		SettingsLayer primaryOwn = layer(PRIMARY, this.properties.getPrimary());
		SettingsLayer adminOwn = layer(ADMIN, this.properties.getAdmin());
		this.checks.check(defaults);
		this.checks.check(primaryOwn);
		this.springDataSource.forEach(this.checks::check);
		this.checks.check(adminOwn);
		Map<String, String> names = new HashMap<>();
		checkReplicaNames(names);
		this.properties.getReplicas().forEach((name, replica) -> {
			SettingsLayer own = layer("replicas." + name, replica);
			this.checks.check(own);
			this.checks.atLeast(own.property("weight"), replica.getWeight(), 1);
		});
		Map<String, SettingsLayer> dedicated = dedicatedTenants(names);
		this.checks.atLeast(PREFIX + "routing.fallback-max-concurrency",
				this.properties.getRouting().getFallbackMaxConcurrency(), 0);
		this.checks.health(this.properties.getHealth());
		this.checks.consistency(this.properties.getConsistency());
		this.checks.tenants(this.properties.getTenants());

		List<SettingsLayer> primarySources = new ArrayList<>(List.of(primaryOwn, defaults));
		primarySources.addAll(this.springDataSource);
		ResolvedPool primary = primary(primarySources);
		List<ResolvedPool> pools = new ArrayList<>();
		pools.add(primary);
		this.properties.getReplicas().forEach((name, replica) -> pools.add(replica(name, replica, defaults, primary)));
		pools.add(admin(adminOwn, defaults, primary));
		dedicated.forEach((id, own) -> pools.add(dedicated(id, own, defaults, primary)));
		String standbysRefuse = standbysRefuseTheDefaultIsolation(primary);
		List<PoolDefinition> definitions = pools.stream().map(this::definition).toList();
		this.problems.throwIfAny();
		if (standbysRefuse != null) {
			logger.warn(standbysRefuse);
		}
		return definitions;
	}

	/**
	 * A hot standby cannot run serializable transactions: with that default, which the
	 * replicas inherit, every read-only transaction that sets no isolation of its own
	 * runs on the primary.
	 * @return the warning to give, naming the property, or {@code null}
	 */
	private @Nullable String standbysRefuseTheDefaultIsolation(ResolvedPool primary) {
		String isolation = primary.settings().getTransactionIsolation();
		if (isolation == null || this.properties.getReplicas().isEmpty() || !IsolationLevels.isLevel(isolation)
				|| IsolationLevels.parse(isolation) != Connection.TRANSACTION_SERIALIZABLE) {
			return null;
		}
		return primary.writtenAt("transactionIsolation", isolation) + "=" + isolation
				+ " makes every read-only transaction ineligible for replicas: a hot standby cannot run serializable "
				+ "transactions (PostgreSQL refuses them with SQLSTATE 0A000), so they run on the primary (route "
				+ "reason standby-unsupported), and work that @UsePool or PoolRouting names a replica for fails "
				+ "with 0A000. Set it to REPEATABLE_READ or lower, and ask for serializable isolation only in "
				+ "the transactions that need it";
	}

	private ResolvedPool primary(List<SettingsLayer> sources) {
		PoolProperties primary = PoolProperties
			.layered(sources.stream().map(SettingsLayer::settings).toArray(PoolProperties[]::new));
		if (primary.getUrl() == null) {
			this.problems.add(PREFIX + "primary.url", null,
					"there is no primary database: neither routing-pools.primary.url nor spring.datasource.url is set, "
							+ "and there is no JdbcConnectionDetails bean",
					"Set routing-pools.primary.url (or spring.datasource.url) to the primary's JDBC URL, for example "
							+ "jdbc:postgresql://primary:5432/app");
		}
		return new ResolvedPool(PRIMARY, PoolRole.PRIMARY, PREFIX + PRIMARY, primary, sources, 1);
	}

	private ResolvedPool replica(String name, ReplicaProperties own, SettingsLayer defaults, ResolvedPool primary) {
		String prefix = PREFIX + "replicas." + name;
		PoolProperties replica = PoolProperties.layered(own, defaults.settings());
		String url = own.getUrl();
		if (url == null) {
			this.problems.add(prefix + ".url", null, "every replica needs its own JDBC URL",
					"Set " + prefix + ".url to the replica's JDBC URL (one host), for example " + "jdbc:postgresql://"
							+ name + ":5432/app, or remove the replica");
		}
		else if (JdbcUrls.hasSeveralHosts(url)) {
			this.problems.add(prefix + ".url", url, "a replica URL must name exactly one host",
					"Declare one replica per host under " + PREFIX + "replicas");
		}
		// The replica's own url only: one in defaults, meant for the primary, does not
		// count.
		replica.setUrl(url);
		inheritFromPrimary(replica, primary);
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
		int weight = firstNonNull(own.getWeight(), 1);
		return new ResolvedPool(name, PoolRole.REPLICA, prefix, replica,
				inheriting(new SettingsLayer(prefix, own), defaults, primary), weight);
	}

	/**
	 * A dedicated tenant's pool: its own database, so its own URL (never the primary's,
	 * nor one in {@code defaults}), the settings of {@code defaults}, and what
	 * {@link #inheritFromPrimary replicas take from the primary}. It starts even when its
	 * database is down, unless its own keys say otherwise: one tenant's database must not
	 * keep the application from starting for the others.
	 */
	private ResolvedPool dedicated(String id, SettingsLayer own, SettingsLayer defaults, ResolvedPool primary) {
		PoolProperties ownSettings = own.settings();
		PoolProperties tenant = PoolProperties.layered(ownSettings, defaults.settings());
		String url = ownSettings.getUrl();
		if (url == null) {
			this.problems.add(own.property("url"), null,
					"a dedicated tenant needs the JDBC URL of its own database; it never takes the primary's, nor "
							+ PREFIX + "defaults.url",
					"Set " + own.property("url") + " to the JDBC URL of the database of tenant '" + id
							+ "', for example jdbc:postgresql://tenant-host:5432/app, or remove the tenant from "
							+ PREFIX + "tenants.dedicated");
		}
		tenant.setUrl(url);
		inheritFromPrimary(tenant, primary);
		tenant.setInitializationFailTimeout(
				firstNonNull(ownSettings.getInitializationFailTimeout(), Duration.ofMillis(-1)));
		return new ResolvedPool(Tenants.POOL_PREFIX + id, PoolRole.TENANT, own.prefix(), tenant,
				inheriting(own, defaults, primary), 1);
	}

	/**
	 * What a pool of another database (a replica, a dedicated tenant's) takes from the
	 * primary: its credentials unless the pool (or {@code defaults}) gives its own, and
	 * always its auto-commit and isolation defaults, so that a logical connection looks
	 * the same whichever pool it binds to.
	 */
	private static void inheritFromPrimary(PoolProperties pool, ResolvedPool primary) {
		PoolProperties fromPrimary = primary.settings();
		// A credentials provider outranks a username in HikariCP: inherit it only by a
		// pool without a username of its own.
		if (pool.getUsername() == null && pool.getCredentialsProviderClassName() == null) {
			pool.setCredentialsProviderClassName(fromPrimary.getCredentialsProviderClassName());
		}
		pool.setUsername(firstNonNull(pool.getUsername(), fromPrimary.getUsername()));
		pool.setPassword(firstNonNull(pool.getPassword(), fromPrimary.getPassword()));
		pool.setAutoCommit(fromPrimary.getAutoCommit());
		pool.setTransactionIsolation(fromPrimary.getTransactionIsolation());
	}

	private ResolvedPool admin(SettingsLayer own, SettingsLayer defaults, ResolvedPool primary) {
		PoolProperties ownSettings = own.settings();
		PoolProperties admin = PoolProperties.layered(ownSettings, defaults.settings(), primary.settings());
		// Small, and never cut short: these come from the admin pool's own settings only.
		admin.setMaximumPoolSize(firstNonNull(ownSettings.getMaximumPoolSize(), ADMIN_MAXIMUM_POOL_SIZE));
		admin.setMinimumIdle(firstNonNull(ownSettings.getMinimumIdle(), 0));
		admin.setStatementTimeout(firstNonNull(ownSettings.getStatementTimeout(), Duration.ZERO));
		return new ResolvedPool(ADMIN, PoolRole.ADMIN, own.prefix(), admin, inheriting(own, defaults, primary), 1);
	}

	private static List<SettingsLayer> inheriting(SettingsLayer own, SettingsLayer defaults, ResolvedPool primary) {
		List<SettingsLayer> sources = new ArrayList<>(List.of(own, defaults));
		sources.addAll(primary.sources());
		return sources;
	}

	private PoolDefinition definition(ResolvedPool pool) {
		PoolProperties settings = pool.settings();
		String isolation = settings.getTransactionIsolation();
		if (isolation != null) {
			settings.setTransactionIsolation(IsolationLevels.toHikari(isolation));
		}
		checkDriverOrDataSource(pool);
		HikariConfig hikari = this.hikariMapper.toHikariConfig(settings,
				(setting, value, refusal) -> refused(pool, setting, value, refusal));
		// Sessions show their pool in pg_stat_activity unless the application names them.
		hikari.getDataSourceProperties().putIfAbsent(APPLICATION_NAME, pool.name());
		hikari.setReadOnly(pool.role() == PoolRole.REPLICA);
		Duration statementTimeout = firstNonNull(settings.getStatementTimeout(), Duration.ZERO);
		int maxWaiting = firstNonNull(settings.getMaxWaiting(), 0);
		return new PoolDefinition(pool.name(), pool.role(), hikari, statementTimeout, maxWaiting, pool.weight());
	}

	/**
	 * A value HikariCP refused while a resolved pool was mapped: a problem of the pool's
	 * setting, with HikariCP's reason. A value is reported once, though several pools
	 * inherit it, and not again when a check already reported where it is written.
	 */
	private void refused(ResolvedPool pool, String setting, Object value, RuntimeException refusal) {
		String property = pool.prefix() + "." + PoolSettings.key(setting);
		String written = pool.writtenAt(setting, value);
		if (this.problems.contains(written) || !this.reported.add(written)) {
			return;
		}
		String action = written.equals(property) ? "Set " + property + " to a value HikariCP accepts, or remove it"
				: "Correct " + written + ", which pool '" + pool.name() + "' inherits, or set " + property
						+ " to a value HikariCP accepts";
		this.problems.add(property, value, "HikariCP refuses it: " + describe(refusal), action);
	}

	// HikariCP would refuse the pair only when the pool starts, after the report.
	private void checkDriverOrDataSource(ResolvedPool pool) {
		String dataSourceClass = pool.settings().getDataSourceClassName();
		String driverClass = pool.settings().getDriverClassName();
		if (dataSourceClass != null && driverClass != null) {
			String dataSourceAt = pool.writtenAt("dataSourceClassName", dataSourceClass);
			String driverAt = pool.writtenAt("driverClassName", driverClass);
			if (this.reported.add(dataSourceAt + " with " + driverAt)) {
				this.problems.add(pool.prefix() + ".data-source-class-name", dataSourceClass,
						"HikariCP cannot use a data-source-class-name together with a driver-class-name (here "
								+ driverClass + ", from " + driverAt + ")",
						"Keep one of the two: remove " + dataSourceAt + ", or the driver class name from " + driverAt);
			}
		}
	}

	// HikariCP's message; a deeper cause only when it says more (a provider's own error).
	private static String describe(RuntimeException refusal) {
		String message = Objects.requireNonNullElse(refusal.getMessage(), refusal.getClass().getName());
		String cause = NestedExceptionUtils.getMostSpecificCause(refusal).getMessage();
		return (cause != null && !message.contains(cause)) ? message + ": " + cause : message;
	}

	/**
	 * Check the replicas' names.
	 * @param seen the pool names taken so far, by lower-case name; receives the valid
	 * replicas' names
	 */
	private void checkReplicaNames(Map<String, String> seen) {
		seen.put(PRIMARY, PRIMARY);
		seen.put(ADMIN, ADMIN);
		for (String name : this.properties.getReplicas().keySet()) {
			String key = name.toLowerCase(Locale.ROOT);
			String property = PREFIX + "replicas." + name;
			if (!POOL_NAME.matcher(name).matches()) {
				this.problems.add(property, name,
						"a pool name is 1 to 63 letters, digits, '-' or '_', starting with " + "a letter or digit",
						"Rename the replica under " + PREFIX + "replicas");
			}
			else if (key.equals(PRIMARY) || key.equals(ADMIN) || key.startsWith(Tenants.POOL_PREFIX)) {
				this.problems.add(property, name, "'primary', 'admin' and 'tenant-*' are reserved pool names",
						"Rename the replica under " + PREFIX + "replicas, for example to 'replica-1'");
			}
			else if (seen.putIfAbsent(key, name) != null) {
				this.problems.add(property, name,
						"the name duplicates replica '" + seen.get(key) + "' (pool names are compared ignoring case)",
						"Give each replica a distinct name");
			}
		}
	}

	/**
	 * Check each dedicated tenant's id, its pool's name and its own settings.
	 * @param seen the pool names taken so far, by lower-case name
	 * @return the settings of the tenants whose pool can be resolved, by tenant id
	 */
	private Map<String, SettingsLayer> dedicatedTenants(Map<String, String> seen) {
		Map<String, SettingsLayer> dedicated = new LinkedHashMap<>();
		this.properties.getTenants().getDedicated().forEach((id, settings) -> {
			SettingsLayer own = layer("tenants.dedicated." + id, settings);
			this.checks.check(own);
			if (!this.checks.tenantId(own.prefix(), id)) {
				return;
			}
			String name = Tenants.POOL_PREFIX + id;
			String taken = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
			if (taken != null) {
				this.problems.add(own.prefix(), id,
						"its pool, '" + name + "', has the name of pool '" + taken
								+ "' (pool names are compared ignoring case)",
						"Give each dedicated tenant an id that differs from the others in more than case");
				return;
			}
			dedicated.put(id, own);
		});
		return dedicated;
	}

	private static SettingsLayer layer(String path, PoolProperties settings) {
		return new SettingsLayer(PREFIX + path, settings);
	}

	private static <T> T firstNonNull(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	// Connection settings that may stay unset: String arguments pick this overload.
	private static @Nullable String firstNonNull(@Nullable String value, @Nullable String fallback) {
		return (value != null) ? value : fallback;
	}

	/**
	 * One pool's resolved settings, before they reach HikariCP.
	 *
	 * @param name the pool name
	 * @param role the pool's role
	 * @param prefix the property prefix of the pool's own keys
	 * @param settings the merged settings, with the role's defaults
	 * @param sources the layers the pool inherits from, most specific first
	 * @param weight the replica's weight (1 for other pools)
	 */
	private record ResolvedPool(String name, PoolRole role, String prefix, PoolProperties settings,
			List<SettingsLayer> sources, int weight) {

		/**
		 * Where the pool's value of a setting is written: the property of the first layer
		 * that holds this value, else (a value routing-pools chose) the pool's own key.
		 */
		String writtenAt(String setting, Object value) {
			String key = PoolSettings.key(setting);
			return this.sources.stream()
				.filter((layer) -> value.equals(layer.value(setting)))
				.findFirst()
				.map((layer) -> layer.property(key))
				.orElse(this.prefix + "." + key);
		}

	}

}
