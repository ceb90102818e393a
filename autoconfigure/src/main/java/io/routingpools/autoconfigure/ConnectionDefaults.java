package io.routingpools.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Where the primary is when {@code routing-pools.primary} does not say: Spring Boot's
 * {@code JdbcConnectionDetails} or {@code spring.datasource.*}.
 *
 * @param url JDBC URL, or {@code null}
 * @param username login username, or {@code null}
 * @param password login password, or {@code null}
 * @param driverClassName JDBC driver class, or {@code null}
 */
record ConnectionDefaults(@Nullable String url, @Nullable String username, @Nullable String password,
		@Nullable String driverClassName) {

}
