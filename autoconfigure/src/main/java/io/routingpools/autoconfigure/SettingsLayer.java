package io.routingpools.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.PropertyAccessorFactory;

/**
 * One layer of pool settings together with where its values are written, so that a
 * problem found in it names the property the user wrote: {@code routing-pools.defaults},
 * a pool's own keys, or Spring Boot's {@code spring.datasource.hikari} and
 * {@code spring.datasource}.
 *
 * @param prefix the property prefix of the layer's values, such as
 * {@code routing-pools.defaults}; for a layer that comes from a bean rather than from
 * properties, the bean type, such as {@code JdbcConnectionDetails}
 * @param settings the layer's settings; unset ones are {@code null}
 */
record SettingsLayer(String prefix, PoolProperties settings) {

	/**
	 * The full name of one of the layer's properties.
	 * @param key the setting's key below the prefix, such as {@code maximum-pool-size}
	 * @return the property name
	 */
	String property(String key) {
		return this.prefix + "." + key;
	}

	/**
	 * The layer's value of a setting.
	 * @param setting the setting's JavaBean property name, such as
	 * {@code maximumPoolSize}
	 * @return the value, or {@code null} if the layer does not set it
	 */
	@Nullable Object value(String setting) {
		return PropertyAccessorFactory.forBeanPropertyAccess(this.settings).getPropertyValue(setting);
	}

}
