package io.routingpools.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.routingpools.actuate.PoolHealth;
import io.routingpools.actuate.RoutingPoolsHealth;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.ReplicaStates;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@code routingPools} health contributor: one component per pool, answered from
 * memory by {@link RoutingPoolsHealth}. It is also registered under Spring Boot's
 * {@code dbHealthContributor} name (an alias, so only {@code routingPools} is shown), so
 * that Spring Boot's {@code db} indicator, which borrows from each pool and validates
 * without a timeout, backs off. Switched off with
 * {@code management.health.routingpools.enabled=false}; an application's own
 * {@code routingPoolsHealthContributor} or {@code dbHealthContributor} bean replaces it.
 */
@AutoConfiguration(after = RoutingPoolsAutoConfiguration.class,
		before = DataSourceHealthContributorAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ NamedPools.class, ReplicaStates.class, RoutingPoolsProperties.class })
public final class RoutingPoolsHealthAutoConfiguration {

	/** The contributor's bean name: the health component is {@code routingPools}. */
	static final String BEAN_NAME = "routingPoolsHealthContributor";

	/** Spring Boot's {@code db} contributor backs off when a bean has this name. */
	static final String DB_BEAN_NAME = "dbHealthContributor";

	// On the method rather than the class: the condition's class is then loaded only
	// once @ConditionalOnClass has found spring-boot-health.
	@Bean(name = { BEAN_NAME, DB_BEAN_NAME })
	@ConditionalOnEnabledHealthIndicator("routingpools")
	@ConditionalOnMissingBean(name = { BEAN_NAME, DB_BEAN_NAME })
	CompositeHealthContributor routingPoolsHealthContributor(NamedPools pools, ReplicaStates states,
			RoutingPoolsProperties properties) {
		RoutingPoolsHealth health = new RoutingPoolsHealth(pools, states,
				properties.getRouting().isFallbackToPrimary());
		Map<String, NamedPool> components = new LinkedHashMap<>();
		for (NamedPool pool : health.pools()) {
			components.put(pool.name(), pool);
		}
		return CompositeHealthContributor.fromMap(components, (pool) -> indicator(health, pool));
	}

	private static HealthIndicator indicator(RoutingPoolsHealth health, NamedPool pool) {
		return () -> {
			PoolHealth current = health.check(pool);
			return (current.up() ? Health.up() : Health.down()).withDetails(current.details()).build();
		};
	}

}
