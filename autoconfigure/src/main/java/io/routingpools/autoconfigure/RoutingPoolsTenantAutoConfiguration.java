package io.routingpools.autoconfigure;

import java.util.List;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.routingpools.RoutingPoolsTaskDecorator;
import io.routingpools.tenant.HeaderTenantResolver;
import io.routingpools.tenant.TenantFilter;
import io.routingpools.tenant.TenantResolver;
import io.routingpools.tenant.TenantScopeThreadLocalAccessor;
import io.routingpools.tenant.Tenants;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Decides which tenant work runs for (DESIGN section 7) and carries it beyond the thread
 * that decided: in a servlet web application, a {@link TenantFilter} runs each request
 * for the tenant the {@link TenantResolver} finds (by default a
 * {@link HeaderTenantResolver} on {@code routing-pools.tenants.header}); tasks handed to
 * Spring's executors run for their submitter's tenant and in its consistency scope
 * ({@link RoutingPoolsTaskDecorator}, and {@link TenantScopeThreadLocalAccessor} for
 * Micrometer's context propagation). Each bean backs off for an application's own.
 */
@AutoConfiguration(after = RoutingPoolsAutoConfiguration.class)
@ConditionalOnBean({ Tenants.class, RoutingPoolsProperties.class })
public final class RoutingPoolsTenantAutoConfiguration {

	/** The filter registration's bean name. */
	static final String FILTER_BEAN_NAME = "routingPoolsTenantFilter";

	/**
	 * Right after Spring Security's filter chain (order -100,
	 * {@code spring.security.filter.order}), so that a resolver may read the
	 * authenticated user from the {@code SecurityContextHolder}; before filters at the
	 * default order, so that an application's own filters that use the database already
	 * run for the tenant. Filters before it (Spring Security's, Spring Session's) run
	 * without a tenant: they serve no tenant's data.
	 */
	static final int FILTER_ORDER = -100 + 10;

	/**
	 * Present only with the actuator, whose property
	 * {@code management.endpoints.web.base-path} it holds.
	 */
	private static final String WEB_ENDPOINT_PROPERTIES = "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties";

	// Spring Boot 4 applies every TaskDecorator bean, in order, to the executors it
	// builds (TaskExecutorConfigurations.getTaskDecorator: one bean is used as it is,
	// several are combined in a CompositeTaskDecorator), so a bean is enough for
	// applicationTaskExecutor, which serves @Async (through Boot's AsyncConfigurer) and
	// Spring MVC async processing (WebMvcAutoConfiguration.configureAsyncSupport), and an
	// application's own TaskDecorator beans keep working beside it. Boot applies the same
	// beans to the task scheduler. One bean carries both the consistency scope and the
	// tenant, and it is @Fallback: code that injects a single TaskDecorator by type gets
	// the application's own, else this one (two starter beans would make that injection
	// ambiguous). With consistency mode none the scope it carries records nothing.
	@Bean
	@Fallback
	@ConditionalOnMissingBean
	RoutingPoolsTaskDecorator routingPoolsTaskDecorator() {
		return new RoutingPoolsTaskDecorator();
	}

	/**
	 * Micrometer's context propagation carries the tenant too, when the application has
	 * it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ThreadLocalAccessor.class, ContextRegistry.class })
	static class ContextPropagationConfiguration {

		// The registry is global; registering again under the same key replaces the
		// accessor, which holds no state, so it is left registered when a context closes.
		@Bean
		@ConditionalOnMissingBean
		TenantScopeThreadLocalAccessor routingPoolsTenantThreadLocalAccessor() {
			TenantScopeThreadLocalAccessor accessor = new TenantScopeThreadLocalAccessor();
			ContextRegistry.getInstance().registerThreadLocalAccessor(accessor);
			return accessor;
		}

	}

	/**
	 * The resolver and the filter, in a servlet web application.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class })
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TenantResolver routingPoolsTenantResolver(RoutingPoolsProperties properties) {
			return new HeaderTenantResolver(properties.getTenants().getHeader());
		}

		// ASYNC and ERROR: the later dispatches of a request run for its tenant too.
		@Bean(FILTER_BEAN_NAME)
		@ConditionalOnMissingFilterBean(TenantFilter.class)
		FilterRegistrationBean<TenantFilter> routingPoolsTenantFilter(TenantResolver resolver,
				RoutingPoolsProperties properties, Environment environment, ResourceLoader resourceLoader) {
			TenantFilter filter = new TenantFilter(resolver, properties.getTenants().isRequireTenant(),
					actuatorPath(environment, resourceLoader.getClassLoader()));
			FilterRegistrationBean<TenantFilter> registration = new FilterRegistrationBean<>(filter);
			registration.setOrder(FILTER_ORDER);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			registration.setAsyncSupported(true);
			return registration;
		}

		/**
		 * The actuator's endpoints within the application, exempt from
		 * {@code require-tenant} so that health probes keep working: the
		 * DispatcherServlet's path ({@code spring.mvc.servlet.path}) and
		 * {@code management.endpoints.web.base-path}. None without the actuator, or when
		 * its endpoints are at the root (that would exempt every request).
		 */
		static List<String> actuatorPath(Environment environment, @Nullable ClassLoader classLoader) {
			if (!ClassUtils.isPresent(WEB_ENDPOINT_PROPERTIES, classLoader)) {
				return List.of();
			}
			Binder binder = Binder.get(environment);
			String path = cleanPath(binder.bind("spring.mvc.servlet.path", String.class).orElse(""))
					+ cleanPath(binder.bind("management.endpoints.web.base-path", String.class).orElse("/actuator"));
			return path.isEmpty() ? List.of() : List.of(path);
		}

		// As Spring Boot reads both: a leading '/', no trailing one, "" for the root.
		private static String cleanPath(String path) {
			String clean = path.trim();
			while (clean.endsWith("/")) {
				clean = clean.substring(0, clean.length() - 1);
			}
			return (clean.isEmpty() || clean.startsWith("/")) ? clean : "/" + clean;
		}

	}

}
