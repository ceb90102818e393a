package io.routingpools.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.RoutingPools;
import io.routingpools.consistency.ConsistencyMode;
import io.routingpools.consistency.ConsistencySettings;
import io.routingpools.consistency.ReadYourWrites;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.LeastActiveLoadBalancer;
import io.routingpools.replica.LoadBalancer;
import io.routingpools.replica.MonitorSettings;
import io.routingpools.replica.ReplicaMonitor;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.replica.WeightedRandomLoadBalancer;
import io.routingpools.routing.FallbackPolicy;
import io.routingpools.routing.Router;
import io.routingpools.routing.RoutingDataSource;
import io.routingpools.routing.UsePoolAdvisor;
import io.routingpools.tenant.TenantEvents;
import io.routingpools.tenant.TenantSettings;
import io.routingpools.tenant.Tenants;
import liquibase.integration.spring.SpringLiquibase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Replaces Spring Boot's single pooled DataSource with named HikariCP pools (primary,
 * replicas, admin, dedicated tenant pools) behind one routing DataSource, and points
 * Flyway and Liquibase at the admin pool.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ DataSource.class, HikariDataSource.class })
@ConditionalOnBooleanProperty(name = "routing-pools.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(DataSource.class)
@EnableConfigurationProperties({ RoutingPoolsProperties.class, DataSourceProperties.class })
@Import(PoolBeansRegistrar.class)
public final class RoutingPoolsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RoutingPoolsAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	NamedPools routingPoolsNamedPools(RoutingPoolsProperties properties, DataSourceProperties dataSourceProperties,
			ObjectProvider<JdbcConnectionDetails> connectionDetails, Environment environment) {
		List<SettingsLayer> springDataSource = SpringDataSourceSettings.of(environment, dataSourceProperties,
				connectionDetails.getIfUnique());
		return NamedPools.start(new PoolDefinitionsResolver(properties, springDataSource).resolve());
	}

	@Bean
	@ConditionalOnMissingBean
	LoadBalancer routingPoolsLoadBalancer(RoutingPoolsProperties properties) {
		return switch (properties.getRouting().getLoadBalancer()) {
			case ROUND_ROBIN -> new RoundRobinLoadBalancer();
			case LEAST_ACTIVE -> new LeastActiveLoadBalancer();
			case WEIGHTED_RANDOM -> new WeightedRandomLoadBalancer();
		};
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaStates routingPoolsReplicaStates(NamedPools pools) {
		return new ReplicaStates(pools, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	ReadYourWrites routingPoolsReadYourWrites(RoutingPoolsProperties properties, ReplicaStates states,
			NamedPools pools) {
		RoutingPoolsProperties.Consistency consistency = properties.getConsistency();
		return new ReadYourWrites(new ConsistencySettings(consistency.getMode(), consistency.getMaxWait(),
				consistency.getWindow(), tokenMaxAge(properties)), states, pools.primary());
	}

	/**
	 * How long tokens are honoured: {@code token-max-age}, or the monitor's
	 * {@code max-replication-lag} if that is longer. A replica in rotation may be that
	 * far behind, so a token younger than that still keeps a read off it; an older one
	 * has been replayed by every replica that serves reads.
	 */
	private static Duration tokenMaxAge(RoutingPoolsProperties properties) {
		Duration tokenMaxAge = properties.getConsistency().getTokenMaxAge();
		RoutingPoolsProperties.Health health = properties.getHealth();
		Duration maxLag = health.getMaxReplicationLag();
		if (health.isEnabled() && properties.getConsistency().getMode() == ConsistencyMode.LSN
				&& maxLag.compareTo(tokenMaxAge) > 0) {
			logger.info("Consistency tokens are honoured for " + maxLag.toMillis()
					+ " ms, routing-pools.health.max-replication-lag, which is longer than "
					+ "routing-pools.consistency.token-max-age (" + tokenMaxAge.toMillis() + " ms): a replica in "
					+ "rotation may be that far behind");
			return maxLag;
		}
		return tokenMaxAge;
	}

	@Bean
	@ConditionalOnMissingBean
	Tenants routingPoolsTenants(RoutingPoolsProperties properties, NamedPools pools,
			ObjectProvider<TenantEvents> events) {
		RoutingPoolsProperties.Tenants tenants = properties.getTenants();
		TenantSettings settings = new TenantSettings(tenants.getDefaultQuota(), tenants.getQuotaWaitTimeout(),
				tenants.getQuotas(), tenants.getSessionVariable(), tenants.getDedicated().keySet());
		return new Tenants(settings, pools, events.getIfUnique(() -> TenantEvents.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	Router routingPoolsRouter(NamedPools pools, LoadBalancer loadBalancer, RoutingPoolsProperties properties,
			ReplicaStates states, ObjectProvider<FailoverEvents> events, ReadYourWrites consistency, Tenants tenants) {
		RoutingPoolsProperties.Routing routing = properties.getRouting();
		return new Router(pools, loadBalancer,
				new FallbackPolicy(routing.isFallbackToPrimary(), routing.getFallbackMaxConcurrency()),
				new SuspectReplicas(pools.size()), states, events.getIfUnique(() -> FailoverEvents.NONE), consistency,
				tenants);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Lazy(false)
	ReplicaMonitor routingPoolsReplicaMonitor(NamedPools pools, ReplicaStates states, RoutingPoolsProperties properties,
			ObjectProvider<FailoverEvents> events) {
		RoutingPoolsProperties.Health health = properties.getHealth();
		MonitorSettings settings = new MonitorSettings(health.getCheckInterval(), health.getProbeTimeout(),
				health.getMaxReplicationLag(), health.getMaxReplicationLagBytes().toBytes(),
				health.getFailedChecksToLeave(), health.getPassedChecksToReturn());
		ReplicaMonitor monitor = new ReplicaMonitor(pools, states, settings,
				events.getIfUnique(() -> FailoverEvents.NONE));
		if (health.isEnabled()) {
			monitor.start();
		}
		return monitor;
	}

	@Bean
	@ConditionalOnMissingBean
	RoutingPools routingPools(NamedPools pools, ReplicaStates states, ReplicaMonitor monitor, Tenants tenants) {
		return new RoutingPools(pools, states, monitor, tenants);
	}

	@Bean
	@Primary
	RoutingDataSource dataSource(Router router, RoutingPoolsProperties properties) {
		NamedPool primary = router.pools().primary();
		int isolation = primary.isolationByDefault();
		return new RoutingDataSource(router, primary.autoCommitByDefault(),
				(isolation != NamedPool.ISOLATION_NOT_CONFIGURED) ? isolation : RoutingDataSource.UNKNOWN_ISOLATION,
				properties.getRouting().getAutoCommitReads() == RoutingPoolsProperties.AutoCommitReads.REPLICA);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static UsePoolAdvisor routingPoolsUsePoolAdvisor() {
		return new UsePoolAdvisor();
	}

	/**
	 * Runs Flyway on the admin pool when it would otherwise use the routing DataSource,
	 * wrapped or not; a {@code @FlywayDataSource} or {@code spring.flyway.url} of the
	 * application wins.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Flyway.class, FlywayConfigurationCustomizer.class })
	static class FlywayOnAdminPoolConfiguration {

		@Bean
		FlywayConfigurationCustomizer routingPoolsFlywayCustomizer(BeanFactory beanFactory) {
			MigrationDataSources dataSources = new MigrationDataSources(beanFactory);
			return (configuration) -> {
				if (MigrationDataSources.isRouting(configuration.getDataSource())) {
					configuration.dataSource(dataSources.adminPool());
				}
			};
		}

	}

	/**
	 * Runs Liquibase on the admin pool when it would otherwise use the routing
	 * DataSource, wrapped or not; a {@code @LiquibaseDataSource} or
	 * {@code spring.liquibase.url} of the application wins.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpringLiquibase.class)
	static class LiquibaseOnAdminPoolConfiguration {

		// Spring Boot's Liquibase customizer interface is not public: adjust the bean
		// before it initializes (and migrates) instead.
		@Bean
		static BeanPostProcessor routingPoolsLiquibasePostProcessor(BeanFactory beanFactory) {
			MigrationDataSources dataSources = new MigrationDataSources(beanFactory);
			return new BeanPostProcessor() {
				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof SpringLiquibase liquibase
							&& MigrationDataSources.isRouting(liquibase.getDataSource())) {
						liquibase.setDataSource(dataSources.adminPool());
					}
					return bean;
				}
			};
		}

	}

}
