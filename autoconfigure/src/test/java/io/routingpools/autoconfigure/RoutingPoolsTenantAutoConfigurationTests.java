package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextRegistry;
import io.routingpools.RoutingPoolsTaskDecorator;
import io.routingpools.tenant.HeaderTenantResolver;
import io.routingpools.tenant.TenantFilter;
import io.routingpools.tenant.TenantResolver;
import io.routingpools.tenant.TenantScope;
import io.routingpools.tenant.TenantScopeThreadLocalAccessor;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.web.context.request.async.StandardServletAsyncWebRequest;
import org.springframework.web.context.request.async.WebAsyncManager;
import org.springframework.web.context.request.async.WebAsyncUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of tenant resolution and its propagation: the resolver, the web filter, the task
 * decorator and Micrometer's context propagation. No server is needed: nothing listens on
 * the pools' URLs.
 */
class RoutingPoolsTenantAutoConfigurationTests {

	private static final String[] POOLS = { "routing-pools.defaults.initialization-fail-timeout=-1ms",
			"routing-pools.health.enabled=false", "routing-pools.defaults.minimum-idle=0",
			"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app" };

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
			RoutingPoolsTenantAutoConfiguration.class, DataSourceAutoConfiguration.class);

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues(POOLS);

	private final ApplicationContextRunner nonWeb = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues(POOLS);

	@AfterEach
	void leaveNoTenant() {
		TenantScope.restore(null);
	}

	@Test
	void filterIsRegisteredRightAfterSpringSecurityForRequestAsyncAndErrorDispatches() {
		this.web.run((context) -> {
			FilterRegistrationBean<?> registration = filterRegistration(context);
			assertThat(registration.getFilter()).isInstanceOf(TenantFilter.class);
			assertThat(registration.getOrder()).isEqualTo(-90);
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
					DispatcherType.ASYNC, DispatcherType.ERROR);
			assertThat(registration.isAsyncSupported()).isTrue();
		});
	}

	@Test
	void defaultResolverReadsTheConfiguredHeader() {
		this.web.withPropertyValues("routing-pools.tenants.header=X-Org").run((context) -> {
			assertThat(context).getBean(TenantResolver.class)
				.isInstanceOfSatisfying(HeaderTenantResolver.class,
						(resolver) -> assertThat(resolver.header()).isEqualTo("X-Org"));
			MockHttpServletRequest request = request("/notes");
			request.addHeader("X-Org", "acme");
			assertThat(tenantInChain(context, request)).isEqualTo("acme");
		});
	}

	@Test
	void applicationsOwnResolverDecidesTheTenant() {
		this.web.withUserConfiguration(OwnResolver.class).run((context) -> {
			assertThat(context).getBean(TenantResolver.class).isSameAs(context.getBean("remoteUserTenant"));
			MockHttpServletRequest request = request("/notes");
			request.setRemoteUser("initech");
			request.addHeader("X-Tenant-Id", "acme");
			assertThat(tenantInChain(context, request)).isEqualTo("initech");
		});
	}

	@Test
	void requestWithoutATenantRunsWithoutOneByDefault() {
		this.web.run((context) -> {
			MockHttpServletResponse response = new MockHttpServletResponse();
			MockFilterChain chain = new MockFilterChain();
			filter(context).doFilter(request("/notes"), response, chain);
			assertThat(chain.getRequest()).isNotNull();
		});
	}

	@Test
	void requireTenantRefusesARequestWithoutATenant() {
		this.web.withPropertyValues("routing-pools.tenants.require-tenant=true")
			.run((context) -> assertThat(status(context, "/notes")).isEqualTo(400));
	}

	@Test
	void requireTenantLetsActuatorRequestsThrough() {
		this.web.withPropertyValues("routing-pools.tenants.require-tenant=true")
			.run((context) -> assertThat(status(context, "/actuator/health")).isEqualTo(200));
	}

	@Test
	void requireTenantLetsRequestsUnderTheConfiguredActuatorBasePathThrough() {
		this.web
			.withPropertyValues("routing-pools.tenants.require-tenant=true", "spring.mvc.servlet.path=/api/",
					"management.endpoints.web.base-path=manage")
			.run((context) -> {
				assertThat(status(context, "/api/manage/health")).isEqualTo(200);
				assertThat(status(context, "/api/notes")).isEqualTo(400);
				assertThat(status(context, "/actuator/health")).isEqualTo(400);
			});
	}

	@Test
	void requireTenantExemptsNothingWhenTheActuatorIsAtTheRoot() {
		this.web.withPropertyValues("routing-pools.tenants.require-tenant=true", "management.endpoints.web.base-path=/")
			.run((context) -> assertThat(status(context, "/health")).isEqualTo(400));
	}

	@Test
	void requireTenantExemptsNothingWithoutTheActuator() {
		this.web.withPropertyValues("routing-pools.tenants.require-tenant=true")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(status(context, "/actuator/health")).isEqualTo(400));
	}

	@Test
	void resolverAndFilterAreAbsentInANonWebApplication() {
		this.nonWeb.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RoutingPoolsTenantAutoConfiguration.FILTER_BEAN_NAME);
			assertThat(context).doesNotHaveBean(TenantResolver.class);
		});
	}

	@Test
	void filterIsAbsentWithoutTheServletApi() {
		this.web.withClassLoader(new FilteredClassLoader(Filter.class))
			.run((context) -> assertThat(context)
				.doesNotHaveBean(RoutingPoolsTenantAutoConfiguration.FILTER_BEAN_NAME));
	}

	@Test
	void filterBacksOffForTheApplicationsOwnRegistration() {
		this.web.withUserConfiguration(OwnFilterRegistration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingPoolsTenantAutoConfiguration.FILTER_BEAN_NAME);
			assertThat(context).hasBean("ownTenantFilter");
		});
	}

	@Test
	void filterBacksOffForTheApplicationsOwnFilterBean() {
		this.web.withUserConfiguration(OwnFilter.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingPoolsTenantAutoConfiguration.FILTER_BEAN_NAME);
			assertThat(context).hasSingleBean(TenantFilter.class);
		});
	}

	@Test
	void nothingIsWiredWithoutRoutingPools() {
		this.web
			.withPropertyValues("routing-pools.enabled=false",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RoutingPoolsTenantAutoConfiguration.FILTER_BEAN_NAME);
				assertThat(context).doesNotHaveBean(TenantResolver.class);
				assertThat(context).doesNotHaveBean(RoutingPoolsTaskDecorator.class);
			});
	}

	@Test
	void taskDecoratorIsPresent() {
		this.nonWeb.run((context) -> assertThat(context).hasSingleBean(RoutingPoolsTaskDecorator.class));
	}

	@Test
	void taskDecoratorBacksOffForTheApplicationsOwn() {
		this.nonWeb.withUserConfiguration(OwnRoutingPoolsTaskDecorator.class)
			.run((context) -> assertThat(context).getBeans(RoutingPoolsTaskDecorator.class)
				.containsOnlyKeys("ownTaskDecorator"));
	}

	// Beside the consistency scope's decorator, as in an application: Spring Boot
	// combines both.
	@Test
	void asyncMethodsRunForTheCallersTenant() {
		this.nonWeb
			.withConfiguration(AutoConfigurations.of(RoutingPoolsConsistencyAutoConfiguration.class,
					TaskExecutionAutoConfiguration.class))
			.withUserConfiguration(AsyncWork.class)
			.run((context) -> {
				Seen seen = TenantScope.call("acme",
						() -> context.getBean(TenantReader.class).read().get(10, TimeUnit.SECONDS));
				assertThat(seen.thread()).isNotEqualTo(Thread.currentThread());
				assertThat(seen.tenantId()).isEqualTo("acme");
			});
	}

	// What Spring MVC does with a controller's Callable (RequestMappingHandlerAdapter
	// hands it to the WebAsyncManager, with the executor WebMvcAutoConfiguration gives
	// it: applicationTaskExecutor), without Spring MVC itself.
	@Test
	void mvcAsyncWorkAndItsAsyncDispatchRunForTheRequestsTenant() {
		this.web.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class)).run((context) -> {
			TenantFilter filter = filter(context);
			MockHttpServletRequest request = request("/notes");
			request.addHeader("X-Tenant-Id", "acme");
			request.setAsyncSupported(true);
			MockHttpServletResponse response = new MockHttpServletResponse();
			WebAsyncManager asyncManager = WebAsyncUtils.getAsyncManager(request);
			asyncManager.setTaskExecutor(context
				.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME, AsyncTaskExecutor.class));
			asyncManager.setAsyncWebRequest(new StandardServletAsyncWebRequest(request, response));
			filter.doFilter(request, response, (chainRequest, chainResponse) -> {
				try {
					asyncManager.startCallableProcessing(TenantScope::current);
				}
				catch (Exception ex) {
					throw new ServletException(ex);
				}
			});
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(asyncManager::hasConcurrentResult);
			assertThat(asyncManager.getConcurrentResult()).isEqualTo("acme");
			request.setDispatcherType(DispatcherType.ASYNC);
			AtomicReference<@Nullable String> atAsyncDispatch = new AtomicReference<>();
			filter.doFilter(request, response,
					(chainRequest, chainResponse) -> atAsyncDispatch.set(TenantScope.current()));
			assertThat(atAsyncDispatch.get()).isEqualTo("acme");
		});
	}

	@Test
	void tenantAccessorIsRegisteredOnceInMicrometersContextRegistry() {
		ContextRegistry.getInstance().removeThreadLocalAccessor(TenantScopeThreadLocalAccessor.KEY);
		this.nonWeb.run((first) -> this.nonWeb.run((second) -> {
			assertThat(second).hasSingleBean(TenantScopeThreadLocalAccessor.class);
			assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
				.filteredOn((accessor) -> TenantScopeThreadLocalAccessor.KEY.equals(accessor.key()))
				.singleElement()
				.isInstanceOf(TenantScopeThreadLocalAccessor.class);
		}));
	}

	@Test
	void startsWithoutMicrometersContextPropagation() {
		this.nonWeb.withClassLoader(new FilteredClassLoader("io.micrometer.context")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TenantScopeThreadLocalAccessor.class);
			assertThat(context).hasSingleBean(RoutingPoolsTaskDecorator.class);
		});
	}

	@Test
	void startsWithoutSpringWebOrTheServletApi() {
		this.nonWeb.withClassLoader(new FilteredClassLoader("org.springframework.web", "jakarta.servlet"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RoutingPoolsTaskDecorator.class);
			});
	}

	private static FilterRegistrationBean<?> filterRegistration(AssertableWebApplicationContext context) {
		return context.getBean(RoutingPoolsTenantAutoConfiguration.FILTER_BEAN_NAME, FilterRegistrationBean.class);
	}

	private static TenantFilter filter(AssertableWebApplicationContext context) {
		return (TenantFilter) filterRegistration(context).getFilter();
	}

	private static @Nullable String tenantInChain(AssertableWebApplicationContext context,
			MockHttpServletRequest request) throws Exception {
		AtomicReference<@Nullable String> inChain = new AtomicReference<>();
		filter(context).doFilter(request, new MockHttpServletResponse(),
				(chainRequest, chainResponse) -> inChain.set(TenantScope.current()));
		return inChain.get();
	}

	private static int status(AssertableWebApplicationContext context, String path) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter(context).doFilter(request(path), response, new MockFilterChain());
		return response.getStatus();
	}

	// As the DispatcherServlet mapped to "/" sees it: the servlet path is the whole path.
	private static MockHttpServletRequest request(String path) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setServletPath(path);
		return request;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnResolver {

		@Bean
		TenantResolver remoteUserTenant() {
			return (request) -> request.getRemoteUser();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilterRegistration {

		@Bean
		FilterRegistrationBean<TenantFilter> ownTenantFilter() {
			return new FilterRegistrationBean<>(new TenantFilter(new HeaderTenantResolver("X-Org"), true, List.of()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilter {

		@Bean
		TenantFilter ownTenantFilter() {
			return new TenantFilter(new HeaderTenantResolver("X-Org"), true, List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRoutingPoolsTaskDecorator {

		@Bean
		RoutingPoolsTaskDecorator ownTaskDecorator() {
			return new RoutingPoolsTaskDecorator();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncWork {

		@Bean
		TenantReader tenantReader() {
			return new TenantReader();
		}

	}

	static class TenantReader {

		@Async
		public Future<Seen> read() {
			return CompletableFuture.completedFuture(new Seen(Thread.currentThread(), TenantScope.current()));
		}

	}

	record Seen(Thread thread, @Nullable String tenantId) {
	}

}
