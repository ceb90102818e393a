package io.routingpools.autoconfigure;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.routingpools.consistency.ConsistencyScopeThreadLocalAccessor;
import io.routingpools.consistency.ConsistencyTokenFilter;
import io.routingpools.consistency.ReadYourWrites;
import io.routingpools.consistency.TokenPropagation;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Carries read-your-writes scopes (DESIGN section 5) beyond the thread that opened them:
 * into the work a thread hands to Spring's executors (the
 * {@code RoutingPoolsTaskDecorator} bean, and {@link ConsistencyScopeThreadLocalAccessor}
 * for Micrometer's context propagation) and, in a servlet web application, across a
 * client's requests ({@link ConsistencyTokenFilter}). Nothing here when
 * {@code routing-pools.consistency.mode=none}: no write records a token then. Each bean
 * backs off for an application's own.
 */
@AutoConfiguration(after = RoutingPoolsAutoConfiguration.class)
@ConditionalOnBean({ ReadYourWrites.class, RoutingPoolsProperties.class })
@Conditional(RoutingPoolsConsistencyAutoConfiguration.ConsistencyOn.class)
public final class RoutingPoolsConsistencyAutoConfiguration {

	/** The filter registration's bean name. */
	static final String FILTER_BEAN_NAME = "routingPoolsConsistencyTokenFilter";

	/**
	 * Early, so that the request's scope wraps Spring Security's filters (order -100),
	 * and open-session-in-view, which runs inside the DispatcherServlet; after filters at
	 * {@link Ordered#HIGHEST_PRECEDENCE} such as Spring's {@code ForwardedHeaderFilter},
	 * so that {@code request.isSecure()} sees the client's scheme.
	 */
	static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	// Tasks handed to Spring's executors share their submitter's scope through the
	// RoutingPoolsTaskDecorator bean (RoutingPoolsTenantAutoConfiguration), which also
	// carries the tenant.

	/**
	 * Micrometer's context propagation carries the scope too, when the application has it
	 * (for {@code spring.task.execution.propagate-context=true}, Reactor and other users
	 * of its global registry).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ThreadLocalAccessor.class, ContextRegistry.class })
	static class ContextPropagationConfiguration {

		// The registry is global; registering again under the same key replaces the
		// accessor, so several application contexts in one JVM are fine. It is left
		// registered when a context closes: another context may still use it, and it
		// holds no state of its own.
		@Bean
		@ConditionalOnMissingBean
		ConsistencyScopeThreadLocalAccessor routingPoolsConsistencyThreadLocalAccessor() {
			ConsistencyScopeThreadLocalAccessor accessor = new ConsistencyScopeThreadLocalAccessor();
			ContextRegistry.getInstance().registerThreadLocalAccessor(accessor);
			return accessor;
		}

	}

	/**
	 * The web filter, unless {@code routing-pools.consistency.propagation=none}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class })
	@Conditional(PropagationOn.class)
	static class WebConfiguration {

		@Bean(FILTER_BEAN_NAME)
		@ConditionalOnMissingFilterBean(ConsistencyTokenFilter.class)
		FilterRegistrationBean<ConsistencyTokenFilter> routingPoolsConsistencyTokenFilter(ReadYourWrites rules,
				RoutingPoolsProperties properties) {
			TokenPropagation propagation = switch (properties.getConsistency().getPropagation()) {
				case COOKIE -> TokenPropagation.COOKIE;
				case HEADER -> TokenPropagation.HEADER;
				case NONE -> throw new IllegalStateException("No consistency token filter with propagation none");
			};
			FilterRegistrationBean<ConsistencyTokenFilter> registration = new FilterRegistrationBean<>(
					new ConsistencyTokenFilter(rules, propagation));
			registration.setOrder(FILTER_ORDER);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			registration.setAsyncSupported(true);
			return registration;
		}

	}

	/**
	 * Matches unless {@code routing-pools.consistency.mode=none}.
	 */
	static final class ConsistencyOn extends NoneNestedConditions {

		ConsistencyOn() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "routing-pools.consistency.mode", havingValue = "none")
		static final class ModeNone {

		}

	}

	/**
	 * Matches unless {@code routing-pools.consistency.propagation=none}.
	 */
	static final class PropagationOn extends NoneNestedConditions {

		PropagationOn() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "routing-pools.consistency.propagation", havingValue = "none")
		static final class PropagationNone {

		}

	}

}
