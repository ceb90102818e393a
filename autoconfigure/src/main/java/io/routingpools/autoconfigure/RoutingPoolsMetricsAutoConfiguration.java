package io.routingpools.autoconfigure;

import java.util.List;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.routingpools.actuate.FailoverCounts;
import io.routingpools.actuate.RoutingPoolsMeters;
import io.routingpools.actuate.TenantMeters;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.routing.Router;
import io.routingpools.tenant.TenantEvents;
import io.routingpools.tenant.Tenants;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code routingpools.*} meters, when Micrometer is on the classpath: a
 * {@link FailoverCounts} that the router and the replica monitor tell (as their
 * {@link FailoverEvents}), a {@link RoutingPoolsMeters} binder, and {@link TenantMeters},
 * both the {@link TenantEvents} the tenants tell and the binder of the
 * {@code routingpools.tenant.*} meters. Spring Boot binds the binders to every meter
 * registry. Without Micrometer, failover and tenant events are not measured
 * ({@link FailoverEvents#NONE}, {@link TenantEvents#NONE}).
 */
@AutoConfiguration(after = RoutingPoolsAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean({ NamedPools.class, ReplicaStates.class })
public final class RoutingPoolsMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(FailoverEvents.class)
	FailoverCounts routingPoolsFailoverCounts(NamedPools pools) {
		return new FailoverCounts(pools);
	}

	@Bean
	@ConditionalOnMissingBean
	RoutingPoolsMeters routingPoolsMeters(NamedPools pools, ReplicaStates states, ObjectProvider<FailoverCounts> counts,
			ObjectProvider<Router> router) {
		Router routes = router.getIfUnique();
		return new RoutingPoolsMeters(pools, states, counts.getIfUnique(),
				(routes != null) ? routes.routes() : List.of());
	}

	// Gets the tenants only when bound: the Tenants bean is created with this as its
	// TenantEvents.
	@Bean
	@ConditionalOnMissingBean(TenantEvents.class)
	@ConditionalOnBean(Tenants.class)
	TenantMeters routingPoolsTenantMeters(ObjectProvider<Tenants> tenants) {
		return new TenantMeters(tenants::getObject);
	}

}
