package io.routingpools.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import com.zaxxer.hikari.HikariConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Copies pool settings onto a {@link HikariConfig} by property name, so that supporting a
 * HikariCP setting takes a field in {@link PoolProperties} and nothing else. Durations
 * become milliseconds, the driver properties map becomes {@link Properties}, and
 * {@code url} is HikariCP's {@code jdbcUrl}. A setting that HikariCP does not have must
 * be one routing-pools applies itself ({@link #ROUTING_POOLS_SETTINGS}); anything else
 * fails startup here rather than being silently ignored.
 * <p>
 * A value that a HikariCP setter refuses (its range checks, a class it cannot load) does
 * not escape: it is handed to a {@link Refusals} with HikariCP's exception, so that it
 * joins the startup report with every other problem.
 * <p>
 * Reflection is acceptable here: the mapping is worked out once at startup and applied
 * once per pool, never on the connection path.
 */
final class HikariConfigMapper {

	/**
	 * Settings HikariCP does not have, applied by {@link PoolDefinitionsResolver}: the
	 * statement timeout and admission limit go to the pool definition. (A replica's
	 * {@code weight}, the other one, is a {@link ReplicaProperties} setting and never
	 * reaches this mapper.)
	 */
	static final Set<String> ROUTING_POOLS_SETTINGS = Set.of("statementTimeout", "maxWaiting");

	/** Settings that HikariCP names differently. */
	private static final Map<String, String> HIKARI_NAMES = Map.of("url", "jdbcUrl");

	private final List<Copy> copies = new ArrayList<>();

	/**
	 * Work out the mapping of every setting.
	 * @param settingsType {@link PoolProperties} (a subclass in tests)
	 * @throws IllegalStateException naming every setting that has neither a HikariCP
	 * counterpart of a convertible type nor a place in {@link #ROUTING_POOLS_SETTINGS}
	 */
	HikariConfigMapper(Class<? extends PoolProperties> settingsType) {
		List<String> unmapped = new ArrayList<>();
		for (PropertyDescriptor setting : PoolSettings.of(settingsType)) {
			if (!ROUTING_POOLS_SETTINGS.contains(setting.getName())) {
				Copy copy = copy(setting);
				if (copy != null) {
					this.copies.add(copy);
				}
				else {
					unmapped.add(setting.getName());
				}
			}
		}
		if (!unmapped.isEmpty()) {
			throw new IllegalStateException("Pool settings " + unmapped + " of " + settingsType.getName()
					+ " have no HikariConfig property of the same name and a convertible type, and are not applied "
					+ "by routing-pools itself: rename them after the HikariConfig property, or apply them in "
					+ PoolDefinitionsResolver.class.getSimpleName() + " and add them to ROUTING_POOLS_SETTINGS");
		}
	}

	private static @Nullable Copy copy(PropertyDescriptor setting) {
		String hikariName = HIKARI_NAMES.getOrDefault(setting.getName(), setting.getName());
		PropertyDescriptor hikari = BeanUtils.getPropertyDescriptor(HikariConfig.class, hikariName);
		Method setter = (hikari != null) ? hikari.getWriteMethod() : null;
		if (setter == null) {
			return null;
		}
		Function<Object, Object> conversion = conversion(setting.getPropertyType(), setter.getParameterTypes()[0]);
		return (conversion != null) ? new Copy(setting.getName(), setting.getReadMethod(), setter, conversion) : null;
	}

	private static @Nullable Function<Object, Object> conversion(Class<?> from, Class<?> to) {
		if (from == Duration.class && to == long.class) {
			return (value) -> ((Duration) value).toMillis();
		}
		if (Map.class.isAssignableFrom(from) && to == Properties.class) {
			return (value) -> {
				Properties properties = new Properties();
				properties.putAll((Map<?, ?>) value);
				return properties;
			};
		}
		return ClassUtils.isAssignable(to, from) ? Function.identity() : null;
	}

	/**
	 * Create a HikariCP configuration holding every setting that is set; the others keep
	 * HikariCP's defaults. A value that HikariCP refuses is left out and handed to
	 * {@code refusals}; every other setting is still copied.
	 * @param settings resolved settings of one pool
	 * @param refusals told of each value HikariCP refuses
	 * @return a new configuration, without pool name or read-only flag
	 */
	HikariConfig toHikariConfig(PoolProperties settings, Refusals refusals) {
		HikariConfig hikari = new HikariConfig();
		for (Copy copy : this.copies) {
			Object value = ReflectionUtils.invokeMethod(copy.getter(), settings);
			if (value != null) {
				try {
					copy.setter().invoke(hikari, copy.conversion().apply(value));
				}
				catch (InvocationTargetException ex) {
					// The setter's own exception is about the value; an Error is not.
					if (ex.getTargetException() instanceof RuntimeException refusal) {
						refusals.refused(copy.setting(), value, refusal);
					}
					else {
						ReflectionUtils.handleInvocationTargetException(ex);
					}
				}
				catch (IllegalAccessException ex) {
					ReflectionUtils.handleReflectionException(ex);
				}
			}
		}
		return hikari;
	}

	/**
	 * Told of the values HikariCP refuses while a pool's settings are mapped.
	 */
	@FunctionalInterface
	interface Refusals {

		/**
		 * A HikariCP setter refused a value.
		 * @param setting the setting's JavaBean property name in {@link PoolProperties},
		 * such as {@code maximumPoolSize}
		 * @param value the value as the settings hold it (a {@link Duration}, not
		 * milliseconds)
		 * @param refusal what the setter threw, usually an
		 * {@link IllegalArgumentException} whose message says why
		 */
		void refused(String setting, Object value, RuntimeException refusal);

	}

	private record Copy(String setting, Method getter, Method setter, Function<Object, Object> conversion) {

	}

}
