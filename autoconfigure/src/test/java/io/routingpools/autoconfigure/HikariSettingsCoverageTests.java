package io.routingpools.autoconfigure;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.util.Credentials;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StreamUtils;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HikariCP setting can be given per pool (a dedicated tenant's included) and in
 * {@code routing-pools.defaults}, reaches the started pools with the precedence
 * docs/configuration.md documents ("Where each setting comes from", with its role
 * exceptions), and has IDE metadata. HikariConfig's setters are enumerated: a setter that
 * a new HikariCP version adds fails these tests until it is a setting (a field in
 * {@link PoolProperties}) or is listed in {@link #NOT_SETTINGS} with the reason. No
 * database is needed: nothing listens on the URLs and the pools start without connecting.
 */
class HikariSettingsCoverageTests {

	/** HikariConfig setters that are deliberately not pool settings, and why. */
	private static final Map<String, String> NOT_SETTINGS = Map.ofEntries(
			Map.entry("setJdbcUrl", "given as url, whose rules differ (a replica needs its own, of one host); "
					+ "proven in RoutingPoolsAutoConfigurationTests and InvalidConfigurationFailureAnalyzerTests"),
			Map.entry("setPoolName", "the pool name: primary, admin or the replica's key"),
			Map.entry("setReadOnly", "decided by the role: replicas are read-only, the others not"),
			Map.entry("setDataSourceJNDI",
					"an application server's DataSource hides which server the pool talks to; routing-pools needs the url"),
			Map.entry("setDataSource", "an object; url or data-source-class-name say how to connect"),
			Map.entry("setCredentials", "an object; username and password are the settings"),
			Map.entry("setCredentialsProvider", "an object; credentials-provider-class-name is the setting"),
			Map.entry("setExceptionOverride", "an object; exception-override-class-name is the setting"),
			Map.entry("setMetricRegistry", "an object; Spring Boot binds Micrometer metrics to every pool"),
			Map.entry("setMetricsTrackerFactory", "an object; Spring Boot binds Micrometer metrics to every pool"),
			Map.entry("setHealthCheckRegistry", "an object; Spring Boot's health covers every pool"),
			Map.entry("setHealthCheckProperties", "only tunes the health checks of a health check registry"),
			Map.entry("setScheduledExecutor", "an object; HikariCP's own executor is named after the pool"),
			Map.entry("setThreadFactory", "an object; HikariCP's own threads are named after the pool"));

	/** A replica takes these from its own keys only, else these replica defaults. */
	private static final Map<String, Object> REPLICA_OWN_KEYS_ONLY = Map.ofEntries(
			Map.entry("connectionTimeout", 1000L), Map.entry("validationTimeout", 500L),
			Map.entry("keepaliveTime", 30_000L), Map.entry("initializationFailTimeout", -1L));

	/**
	 * A dedicated tenant's pool takes these from its own keys only, else these defaults.
	 */
	private static final Map<String, Object> TENANT_OWN_KEYS_ONLY = Map.of("initializationFailTimeout", -1L);

	/**
	 * A replica or a dedicated tenant's pool always has the primary's value of these,
	 * whatever it sets itself.
	 */
	private static final Set<String> REPLICAS_ALWAYS_FOLLOW_THE_PRIMARY = Set.of("autoCommit", "transactionIsolation");

	/**
	 * A replica or a dedicated tenant's pool takes the primary's value of these
	 * (credentials) unless it has its own.
	 */
	private static final Set<String> REPLICAS_INHERIT_FROM_THE_PRIMARY = Set.of("username", "password",
			"credentialsProviderClassName");

	/** The admin pool takes these from its own keys only, else these admin defaults. */
	private static final Map<String, Object> ADMIN_OWN_KEYS_ONLY = Map.of("maximumPoolSize", 2, "minimumIdle", 0);

	/**
	 * Two values of each setting that HikariCP accepts without connecting, by setting
	 * name; the others are chosen by type in {@link #samplesByType(Class)}.
	 */
	private static final Map<String, List<Sample>> SAMPLES = Map.ofEntries(
			Map.entry("initializationFailTimeout", List.of(new Sample("-2ms", -2L), new Sample("-3ms", -3L))),
			Map.entry("minimumIdle", List.of(new Sample("0", 0), new Sample("1", 1))),
			Map.entry("transactionIsolation", samples("TRANSACTION_SERIALIZABLE", "TRANSACTION_REPEATABLE_READ")),
			Map.entry("driverClassName", samples(org.postgresql.Driver.class, OtherPostgresDriver.class)),
			Map.entry("dataSourceClassName", samples(PGSimpleDataSource.class, OtherPostgresDataSource.class)),
			Map.entry("exceptionOverrideClassName",
					samples(EvictAsHikariDecides.class, OtherEvictAsHikariDecides.class)),
			Map.entry("credentialsProviderClassName", samples(FixedCredentials.class, OtherFixedCredentials.class)),
			Map.entry("dataSourceProperties", samples("require", "disable")));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class))
		.withPropertyValues("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/primary",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a",
				"routing-pools.replicas.replica-b.url=jdbc:postgresql://127.0.0.1:9/replica_b",
				"routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp");

	@Test
	void everyHikariSetterIsAPoolSettingOrDeliberatelyNotOne() {
		Set<String> settings = settingNames();
		assertThat(hikariSetters()).allSatisfy((setter) -> assertThat(
				settings.contains(propertyName(setter)) || NOT_SETTINGS.containsKey(setter.getName()))
			.as("HikariConfig.%s is neither a PoolProperties setting nor listed in NOT_SETTINGS", setter.getName())
			.isTrue());
	}

	@Test
	void everySetterListedAsNotASettingExistsAndIsNoSetting() {
		Set<String> setters = hikariSetters().stream().map(Method::getName).collect(Collectors.toSet());
		assertThat(setters).containsAll(NOT_SETTINGS.keySet());
		assertThat(NOT_SETTINGS.keySet()).map(HikariSettingsCoverageTests::propertyName)
			.doesNotContainAnyElementsOf(settingNames());
	}

	@Test
	void everyRoleExceptionNamesASetting() {
		assertThat(settings().map(Setting::name)).containsAll(REPLICA_OWN_KEYS_ONLY.keySet())
			.containsAll(REPLICAS_ALWAYS_FOLLOW_THE_PRIMARY)
			.containsAll(REPLICAS_INHERIT_FROM_THE_PRIMARY)
			.containsAll(ADMIN_OWN_KEYS_ONLY.keySet())
			.containsAll(TENANT_OWN_KEYS_ONLY.keySet());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void eachPoolsOwnValueBeatsDefaults(Setting setting) {
		inBothDirections(setting, (value, other) -> {
			Map<String, @Nullable Object> pools = poolValues(setting, setting.in("defaults", other),
					setting.in("primary", value), setting.in("replicas.replica-a", value), setting.in("admin", value),
					setting.in("tenants.dedicated.bigcorp", value));
			assertThat(pools).containsEntry("primary", value.expected())
				.containsEntry("replica-a", value.expected())
				.containsEntry("admin", value.expected())
				.containsEntry("tenant-bigcorp", value.expected());
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void defaultsReachEveryPoolThatDoesNotSetItExceptWhereTheRoleDecides(Setting setting) {
		inBothDirections(setting, (value, other) -> {
			Map<String, @Nullable Object> pools = poolValues(setting, setting.in("defaults", value));
			Object replica = REPLICA_OWN_KEYS_ONLY.getOrDefault(setting.name(), value.expected());
			assertThat(pools).containsEntry("primary", value.expected())
				.containsEntry("replica-a", replica)
				.containsEntry("replica-b", replica)
				.containsEntry("admin", ADMIN_OWN_KEYS_ONLY.getOrDefault(setting.name(), value.expected()))
				.containsEntry("tenant-bigcorp", TENANT_OWN_KEYS_ONLY.getOrDefault(setting.name(), value.expected()));
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void defaultsBeatSpringDatasourceHikariOnThePrimary(Setting setting) {
		inBothDirections(setting,
				(value, other) -> assertThat(
						poolValues(setting, setting.in("defaults", value), setting.inSpringDatasourceHikari(other)))
					.containsEntry("primary", value.expected()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void springDatasourceHikariReachesThePrimary(Setting setting) {
		inBothDirections(setting,
				(value, other) -> assertThat(poolValues(setting, setting.inSpringDatasourceHikari(value)))
					.containsEntry("primary", value.expected()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void adminTakesThePrimarysValueUnlessItsSizeComesFromItsOwnKeysOnly(Setting setting) {
		inBothDirections(setting, (value, other) -> assertThat(poolValues(setting, setting.in("primary", value)))
			.containsEntry("admin", ADMIN_OWN_KEYS_ONLY.getOrDefault(setting.name(), value.expected())));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void replicasAndDedicatedTenantsTakeFromThePrimaryOnlyCredentialsAutoCommitAndIsolation(Setting setting) {
		Map<String, @Nullable Object> whenA = poolValues(setting, setting.in("primary", setting.a()));
		Map<String, @Nullable Object> whenB = poolValues(setting, setting.in("primary", setting.b()));
		for (String pool : List.of("replica-a", "tenant-bigcorp")) {
			if (REPLICAS_INHERIT_FROM_THE_PRIMARY.contains(setting.name())
					|| REPLICAS_ALWAYS_FOLLOW_THE_PRIMARY.contains(setting.name())) {
				assertThat(whenA).containsEntry(pool, setting.a().expected());
				assertThat(whenB).containsEntry(pool, setting.b().expected());
			}
			else {
				assertThat(whenA.get(pool)).as(pool).isEqualTo(whenB.get(pool));
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("replicaSettingsFixedByThePrimary")
	void replicasAndDedicatedTenantsKeepThePrimarysAutoCommitAndIsolationWhateverTheySet(Setting setting) {
		inBothDirections(setting, (value,
				other) -> assertThat(poolValues(setting, setting.in("primary", value), setting.in("defaults", other),
						setting.in("replicas.replica-a", other), setting.in("tenants.dedicated.bigcorp", other)))
					.containsEntry("replica-a", value.expected())
					.containsEntry("replica-b", value.expected())
					.containsEntry("tenant-bigcorp", value.expected()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("settings")
	void hasIdeMetadataUnderDefaultsPrimaryAdminAndTheValueTypesOfReplicasAndDedicatedTenants(Setting setting)
			throws IOException {
		Map<String, Map<String, Object>> metadata = metadata();
		for (String pool : List.of("defaults", "primary", "admin")) {
			String name = "routing-pools." + pool + "." + setting.key();
			assertThat(metadata).containsKey(name);
			assertThat((String) metadata.get(name).get("description")).as("description of %s", name).isNotBlank();
		}
		assertThat(metadata.get("routing-pools.replicas")).containsEntry("type",
				"java.util.Map<java.lang.String," + ReplicaProperties.class.getName() + ">");
		assertThat(metadata.get("routing-pools.tenants.dedicated")).containsEntry("type",
				"java.util.Map<java.lang.String," + PoolProperties.class.getName() + ">");
		assertThat(PoolSettings.of(ReplicaProperties.class)).map(PropertyDescriptor::getName).contains(setting.name());
	}

	static Stream<Setting> settings() {
		return hikariSetters().stream()
			.filter((setter) -> !NOT_SETTINGS.containsKey(setter.getName()))
			.map((setter) -> Setting.of(propertyName(setter), setter.getParameterTypes()[0]))
			.sorted((one, two) -> one.name().compareTo(two.name()));
	}

	static Stream<Setting> replicaSettingsFixedByThePrimary() {
		return settings().filter((setting) -> REPLICAS_ALWAYS_FOLLOW_THE_PRIMARY.contains(setting.name()));
	}

	private static List<Method> hikariSetters() {
		return Arrays.stream(HikariConfig.class.getMethods())
			.filter((method) -> !Modifier.isStatic(method.getModifiers()) && method.getName().startsWith("set")
					&& method.getName().length() > 3 && method.getParameterCount() == 1)
			.toList();
	}

	private static String propertyName(Method setter) {
		return propertyName(setter.getName());
	}

	private static String propertyName(String setterName) {
		return Introspector.decapitalize(setterName.substring(3));
	}

	private static Set<String> settingNames() {
		return PoolSettings.of(PoolProperties.class)
			.stream()
			.map(PropertyDescriptor::getName)
			.collect(Collectors.toSet());
	}

	private static void inBothDirections(Setting setting, BiConsumer<Sample, Sample> check) {
		check.accept(setting.a(), setting.b());
		check.accept(setting.b(), setting.a());
	}

	/**
	 * Start the pools with the given properties and read the setting from each one.
	 * Unless the setting under test is one of them, {@code defaults} keep the pools from
	 * connecting (no minimum idle, no connection at startup).
	 */
	private Map<String, @Nullable Object> poolValues(Setting setting, String... properties) {
		List<String> all = new ArrayList<>();
		if (!setting.name().equals("initializationFailTimeout")) {
			all.add("routing-pools.defaults.initialization-fail-timeout=-1ms");
		}
		if (!setting.name().equals("minimumIdle")) {
			all.add("routing-pools.defaults.minimum-idle=0");
		}
		all.addAll(List.of(properties));
		Map<String, @Nullable Object> values = new HashMap<>();
		this.runner.withPropertyValues(all.toArray(String[]::new)).run((context) -> {
			assertThat(context).hasNotFailed();
			for (NamedPool pool : context.getBean(NamedPools.class).all()) {
				values.put(pool.name(), setting.reader().apply(pool.dataSource()));
			}
		});
		return values;
	}

	private static Map<String, Map<String, Object>> metadata() throws IOException {
		Map<String, Map<String, Object>> properties = new HashMap<>();
		for (URL url : Collections.list(HikariSettingsCoverageTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				List<Map<String, Object>> entries = JsonPath.read(StreamUtils.copyToString(in, UTF_8), "$.properties");
				entries.forEach((entry) -> properties.put((String) entry.get("name"), entry));
			}
		}
		return properties;
	}

	private static List<Sample> samples(String a, String b) {
		return List.of(new Sample(a, a), new Sample(b, b));
	}

	private static List<Sample> samples(Class<?> a, Class<?> b) {
		return samples(a.getName(), b.getName());
	}

	private static List<Sample> samplesByType(Class<?> type) {
		if (type == long.class) {
			// Durations every timeout accepts: above HikariCP's floors, below
			// maxLifetime.
			return List.of(new Sample("41s", 41_000L), new Sample("43s", 43_000L));
		}
		if (type == int.class) {
			return List.of(new Sample("3", 3), new Sample("4", 4));
		}
		if (type == boolean.class) {
			return List.of(new Sample("true", true), new Sample("false", false));
		}
		if (type == String.class) {
			return samples("value-a", "value-b");
		}
		throw new IllegalStateException("No sample values for HikariCP settings of " + type + ": add two to SAMPLES");
	}

	/**
	 * One value of a setting.
	 *
	 * @param text as written in the configuration
	 * @param expected as HikariCP holds it
	 */
	record Sample(String text, Object expected) {

	}

	/**
	 * One HikariCP setting as a pool setting.
	 *
	 * @param name the property name, the same in HikariConfig and PoolProperties
	 * @param key the configuration key below a pool's prefix
	 * @param path what is written below a pool's prefix (a map entry for maps)
	 * @param a one value
	 * @param b another value
	 * @param reader reads the value back from a started pool
	 */
	record Setting(String name, String key, String path, Sample a, Sample b,
			Function<HikariDataSource, @Nullable Object> reader) {

		static Setting of(String name, Class<?> type) {
			List<Sample> samples = SAMPLES.getOrDefault(name, List.of());
			samples = samples.isEmpty() ? samplesByType(type) : samples;
			String key = name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
			return switch (name) {
				case "dataSourceProperties" -> new Setting(name, key, key + ".sslmode", samples.get(0), samples.get(1),
						(pool) -> pool.getDataSourceProperties().getProperty("sslmode"));
				// HikariCP 7.0.2's getter returns null: its setter creates the provider
				// but
				// stores the name in the exceptionOverrideClassName field.
				case "credentialsProviderClassName" -> new Setting(name, key, key, samples.get(0), samples.get(1),
						(pool) -> (pool.getCredentialsProvider() != null)
								? pool.getCredentialsProvider().getClass().getName() : null);
				default -> new Setting(name, key, key, samples.get(0), samples.get(1), getter(name));
			};
		}

		private static Function<HikariDataSource, @Nullable Object> getter(String name) {
			Method getter = Objects.requireNonNull(BeanUtils.getPropertyDescriptor(HikariConfig.class, name))
				.getReadMethod();
			return (pool) -> ReflectionUtils.invokeMethod(getter, pool);
		}

		String in(String pool, Sample value) {
			return "routing-pools." + pool + "." + this.path + "=" + value.text();
		}

		String inSpringDatasourceHikari(Sample value) {
			return "spring.datasource.hikari." + this.path + "=" + value.text();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	public static class OtherPostgresDriver extends org.postgresql.Driver {

	}

	public static class OtherPostgresDataSource extends PGSimpleDataSource {

		private static final long serialVersionUID = 1L;

	}

	public static class EvictAsHikariDecides implements SQLExceptionOverride {

	}

	public static class OtherEvictAsHikariDecides extends EvictAsHikariDecides {

	}

	public static class FixedCredentials implements HikariCredentialsProvider {

		@Override
		public Credentials getCredentials() {
			return Credentials.of("app", "secret");
		}

	}

	public static class OtherFixedCredentials extends FixedCredentials {

	}

}
