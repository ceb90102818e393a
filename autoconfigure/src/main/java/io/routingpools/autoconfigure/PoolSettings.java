package io.routingpools.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;

/**
 * The settings of {@link PoolProperties}, taken as its JavaBean properties, so that
 * merging and mapping them needs no code per setting. Reflection is acceptable here: it
 * runs once per pool at startup, never on the connection path.
 */
final class PoolSettings {

	private static final Pattern WORD_BOUNDARY = Pattern.compile("([a-z0-9])([A-Z])");

	private PoolSettings() {
	}

	/**
	 * The configuration key of a setting, as written below a pool's prefix.
	 * @param setting the JavaBean property name, such as {@code maximumPoolSize}
	 * @return the kebab-case key, such as {@code maximum-pool-size}
	 */
	static String key(String setting) {
		return WORD_BOUNDARY.matcher(setting).replaceAll("$1-$2").toLowerCase(Locale.ROOT);
	}

	/**
	 * The settings of a settings class: its readable and writable JavaBean properties.
	 * @param type {@code PoolProperties} or a subclass
	 * @return the settings, in a stable order
	 */
	static List<PropertyDescriptor> of(Class<? extends PoolProperties> type) {
		return Arrays.stream(BeanUtils.getPropertyDescriptors(type))
			.filter((property) -> property.getReadMethod() != null && property.getWriteMethod() != null)
			.toList();
	}

	/**
	 * Merge layers: for each setting, the first layer that sets it (not {@code null})
	 * wins; maps (driver properties) merge key by key with the same precedence.
	 * @param layers the layers, most specific first; left untouched
	 * @return a new, merged instance
	 */
	static PoolProperties merge(PoolProperties... layers) {
		BeanWrapper merged = PropertyAccessorFactory.forBeanPropertyAccess(new PoolProperties());
		for (int i = layers.length - 1; i >= 0; i--) {
			BeanWrapper layer = PropertyAccessorFactory.forBeanPropertyAccess(layers[i]);
			for (PropertyDescriptor setting : of(PoolProperties.class)) {
				String name = setting.getName();
				Object value = layer.getPropertyValue(name);
				if (value instanceof Map<?, ?> entries) {
					mapOf(merged, name).putAll(entries);
				}
				else if (value != null) {
					merged.setPropertyValue(name, value);
				}
			}
		}
		return (PoolProperties) merged.getWrappedInstance();
	}

	@SuppressWarnings("unchecked")
	private static Map<Object, Object> mapOf(BeanWrapper bean, String name) {
		return (Map<Object, Object>) Objects.requireNonNull(bean.getPropertyValue(name));
	}

}
