package io.routingpools.autoconfigure;

import java.util.List;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.routingpools.actuate.FailoverCounts;
import io.routingpools.actuate.RoutingPoolsMeters;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.routing.Router;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code routingpools.*} meters of replica state and failovers, when Micrometer is on
 * the classpath: a {@link FailoverCounts} that the router and the replica monitor tell
 * (as their {@link FailoverEvents}), and a {@link RoutingPoolsMeters} binder, which
 * Spring Boot binds to every meter registry. Without Micrometer, failover events are not
 * counted ({@link FailoverEvents#NONE}).
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

}
