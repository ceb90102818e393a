package io.routingpools.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.Environment;

/**
 * What Spring Boot's own configuration says about the primary, as the last layer of the
 * primary's settings (DESIGN section 3): {@code spring.datasource.hikari.*}, then the
 * connection of a {@link JdbcConnectionDetails} bean (Testcontainers, Docker Compose) or,
 * without one, {@code spring.datasource.url}, {@code username}, {@code password} and
 * {@code driver-class-name}. This is what lets an application that already has
 * {@code spring.datasource.*} add replicas and change nothing else.
 */
final class SpringDataSourceSettings {

	private SpringDataSourceSettings() {
	}

	/**
	 * Read Spring Boot's settings for the primary.
	 * @param environment the environment holding {@code spring.datasource.hikari.*}
	 * @param properties the bound {@code spring.datasource.*}
	 * @param connectionDetails the application's connection details, if it has one
	 * @return one layer of pool settings, for the primary only
	 */
	static PoolProperties of(Environment environment, DataSourceProperties properties,
			@Nullable JdbcConnectionDetails connectionDetails) {
		PoolProperties hikari = Binder.get(environment)
			.bind("spring.datasource.hikari", PoolProperties.class)
			.orElseGet(PoolProperties::new);
		PoolProperties connection = new PoolProperties();
		if (connectionDetails != null) {
			connection.setUrl(connectionDetails.getJdbcUrl());
			connection.setUsername(connectionDetails.getUsername());
			connection.setPassword(connectionDetails.getPassword());
			connection.setDriverClassName(connectionDetails.getDriverClassName());
		}
		else {
			connection.setUrl(properties.getUrl());
			connection.setUsername(properties.getUsername());
			connection.setPassword(properties.getPassword());
			connection.setDriverClassName(properties.getDriverClassName());
		}
		return PoolProperties.layered(hikari, connection);
	}

}
