package io.routingpools.autoconfigure;

import java.util.List;

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
 * {@code spring.datasource.*} add replicas and change nothing else. Each layer keeps the
 * prefix its values are written under, so that the startup checks name the property the
 * user wrote.
 */
final class SpringDataSourceSettings {

	/** Prefix of Spring Boot's HikariCP settings. */
	static final String HIKARI_PREFIX = "spring.datasource.hikari";

	/** Prefix of Spring Boot's connection settings. */
	static final String DATASOURCE_PREFIX = "spring.datasource";

	/** Names the layer of a {@link JdbcConnectionDetails} bean, which has no prefix. */
	static final String CONNECTION_DETAILS = "JdbcConnectionDetails";

	private SpringDataSourceSettings() {
	}

	/**
	 * Read Spring Boot's settings for the primary.
	 * @param environment the environment holding {@code spring.datasource.hikari.*}
	 * @param properties the bound {@code spring.datasource.*}
	 * @param connectionDetails the application's connection details, if it has one
	 * @return the layers of pool settings, for the primary only, most specific first:
	 * {@code spring.datasource.hikari}, then the connection ({@code spring.datasource} or
	 * the {@link #CONNECTION_DETAILS} bean)
	 */
	static List<SettingsLayer> of(Environment environment, DataSourceProperties properties,
			@Nullable JdbcConnectionDetails connectionDetails) {
		PoolProperties hikari = Binder.get(environment)
			.bind(HIKARI_PREFIX, PoolProperties.class)
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
		return List.of(new SettingsLayer(HIKARI_PREFIX, hikari),
				new SettingsLayer((connectionDetails != null) ? CONNECTION_DETAILS : DATASOURCE_PREFIX, connection));
	}

}
