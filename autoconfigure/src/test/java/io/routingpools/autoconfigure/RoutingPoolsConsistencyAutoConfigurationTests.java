package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextRegistry;
import io.routingpools.RoutingPoolsTaskDecorator;
import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.consistency.ConsistencyScopeThreadLocalAccessor;
import io.routingpools.consistency.ConsistencyToken;
import io.routingpools.consistency.ConsistencyTokenFilter;
import io.routingpools.consistency.ReadYourWrites;
import io.routingpools.consistency.TokenPropagation;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
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
import org.springframework.core.Ordered;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.web.context.request.async.StandardServletAsyncWebRequest;
import org.springframework.web.context.request.async.WebAsyncManager;
import org.springframework.web.context.request.async.WebAsyncUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the consistency scope's propagation: the web filter, the task decorator and
 * Micrometer's context propagation. No server is needed: nothing listens on the pools'
 * URLs.
 */
class RoutingPoolsConsistencyAutoConfigurationTests {

	private static final String[] POOLS = { "routing-pools.defaults.initialization-fail-timeout=-1ms",
			"routing-pools.health.enabled=false", "routing-pools.defaults.minimum-idle=0",
			"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
			"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a" };

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(RoutingPoolsAutoConfiguration.class,
			RoutingPoolsConsistencyAutoConfiguration.class, RoutingPoolsTenantAutoConfiguration.class,
			DataSourceAutoConfiguration.class);

	private static final ConsistencyToken TOKEN = new ConsistencyToken(7713990516384802699L, 1, 0x5DADC0,
			System.currentTimeMillis());

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues(POOLS);

	private final ApplicationContextRunner nonWeb = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues(POOLS);

	@Test
	void filterIsRegisteredEarlyForRequestAsyncAndErrorDispatches() {
		this.web.run((context) -> {
			FilterRegistrationBean<?> registration = filterRegistration(context);
			assertThat(registration.getFilter()).isInstanceOf(ConsistencyTokenFilter.class);
			assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE + 10);
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
					DispatcherType.ASYNC, DispatcherType.ERROR);
			assertThat(registration.isAsyncSupported()).isTrue();
		});
	}

	@Test
	void filterSendsACookieByDefault() {
		this.web.run((context) -> assertThat(filter(context).propagation()).isEqualTo(TokenPropagation.COOKIE));
	}

	@Test
	void filterSendsAHeaderWithPropagationHeader() {
		this.web.withPropertyValues("routing-pools.consistency.propagation=header")
			.run((context) -> assertThat(filter(context).propagation()).isEqualTo(TokenPropagation.HEADER));
	}

	@Test
	void filterIsAbsentInANonWebApplication() {
		this.nonWeb.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME);
		});
	}

	@Test
	void filterIsAbsentWithPropagationNone() {
		this.web.withPropertyValues("routing-pools.consistency.propagation=none").run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME);
			assertThat(context).hasSingleBean(RoutingPoolsTaskDecorator.class);
		});
	}

	@Test
	void filterIsAbsentWithModeNone() {
		this.web.withPropertyValues("routing-pools.consistency.mode=none")
			.run((context) -> assertThat(context)
				.doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME));
	}

	@Test
	void filterIsAbsentWithoutTheServletApi() {
		this.web.withClassLoader(new FilteredClassLoader(Filter.class))
			.run((context) -> assertThat(context)
				.doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME));
	}

	@Test
	void filterBacksOffForTheApplicationsOwnRegistration() {
		this.web.withUserConfiguration(OwnFilterRegistration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME);
			assertThat(context).hasBean("ownConsistencyTokenFilter");
		});
	}

	@Test
	void filterBacksOffForTheApplicationsOwnFilterBean() {
		this.web.withUserConfiguration(OwnFilter.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME);
			assertThat(context).hasSingleBean(ConsistencyTokenFilter.class);
		});
	}

	@Test
	void nothingIsWiredWithoutRoutingPools() {
		this.web
			.withPropertyValues("routing-pools.enabled=false",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME);
				assertThat(context).doesNotHaveBean(RoutingPoolsTaskDecorator.class);
			});
	}

	@Test
	void taskDecoratorIsPresent() {
		this.nonWeb.run((context) -> assertThat(context).hasSingleBean(RoutingPoolsTaskDecorator.class));
	}

	@Test
	void applicationTaskExecutorRunsTasksInTheSubmittersScopeBesideTheApplicationsOwnDecorator() {
		this.nonWeb.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withUserConfiguration(OwnTaskDecorator.class)
			.run((context) -> {
				AsyncTaskExecutor executor = context.getBean(
						TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME, AsyncTaskExecutor.class);
				ConsistencyScope scope = new ConsistencyScope(TOKEN);
				AtomicReference<@Nullable ConsistencyScope> inTask = new AtomicReference<>();
				ConsistencyScope previous = scope.enter();
				try {
					executor.submit(() -> inTask.set(ConsistencyScope.current())).get(10, TimeUnit.SECONDS);
				}
				finally {
					ConsistencyScope.restore(previous);
				}
				assertThat(inTask.get()).isSameAs(scope);
				assertThat(context.getBean(OwnTaskDecorator.class).decorated).hasValue(1);
			});
	}

	@Test
	void asyncMethodsRunInTheCallersScope() {
		this.nonWeb.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withUserConfiguration(AsyncWork.class)
			.run((context) -> {
				ConsistencyScope scope = new ConsistencyScope(TOKEN);
				Seen seen;
				ConsistencyScope previous = scope.enter();
				try {
					seen = context.getBean(ScopeReader.class).read().get(10, TimeUnit.SECONDS);
				}
				finally {
					ConsistencyScope.restore(previous);
				}
				assertThat(seen.thread()).isNotEqualTo(Thread.currentThread());
				assertThat(seen.scope()).isSameAs(scope);
			});
	}

	// What Spring MVC does with a controller's Callable (RequestMappingHandlerAdapter
	// hands
	// it to the WebAsyncManager, with the executor WebMvcAutoConfiguration gives it:
	// applicationTaskExecutor), without Spring MVC itself.
	@Test
	void writeOfMvcAsyncWorkIsSentAtTheAsyncDispatch() {
		this.web.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class)).run((context) -> {
			ConsistencyTokenFilter filter = filter(context);
			MockHttpServletRequest request = new MockHttpServletRequest("POST", "/notes");
			request.setAsyncSupported(true);
			MockHttpServletResponse response = new MockHttpServletResponse();
			WebAsyncManager asyncManager = WebAsyncUtils.getAsyncManager(request);
			asyncManager.setTaskExecutor(context
				.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME, AsyncTaskExecutor.class));
			asyncManager.setAsyncWebRequest(new StandardServletAsyncWebRequest(request, response));
			filter.doFilter(request, response, (chainRequest, chainResponse) -> {
				try {
					asyncManager.startCallableProcessing(() -> {
						ConsistencyScope.currentOrNew().record(TOKEN);
						return "written";
					});
				}
				catch (Exception ex) {
					throw new ServletException(ex);
				}
			});
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(asyncManager::hasConcurrentResult);
			assertThat(response.getCookie(ConsistencyTokenFilter.COOKIE_NAME)).isNull();
			request.setDispatcherType(DispatcherType.ASYNC);
			AtomicReference<@Nullable Cookie> atAsyncDispatch = new AtomicReference<>();
			filter.doFilter(request, response, (chainRequest, chainResponse) -> {
				atAsyncDispatch.set(response.getCookie(ConsistencyTokenFilter.COOKIE_NAME));
				chainResponse.flushBuffer();
			});
			assertThat(atAsyncDispatch.get()).isNotNull().extracting(Cookie::getValue).isEqualTo(TOKEN.serialize());
		});
	}

	@Test
	void aSingleTaskDecoratorIsInjectedByTypeWhenTheApplicationHasNone() {
		this.nonWeb.withUserConfiguration(TaskDecoratorUser.class)
			.run((context) -> assertThat(context.getBean(TaskDecoratorUser.class).decorator)
				.isInstanceOf(RoutingPoolsTaskDecorator.class));
	}

	@Test
	void applicationsOwnTaskDecoratorIsStillTheOneInjectedByType() {
		this.nonWeb.withUserConfiguration(OwnTaskDecorator.class, TaskDecoratorUser.class)
			.run((context) -> assertThat(context.getBean(TaskDecoratorUser.class).decorator)
				.isSameAs(context.getBean(OwnTaskDecorator.class)));
	}

	@Test
	void scopeAccessorIsRegisteredOnceInMicrometersContextRegistry() {
		ContextRegistry.getInstance().removeThreadLocalAccessor(ConsistencyScopeThreadLocalAccessor.KEY);
		this.nonWeb.run((first) -> this.nonWeb.run((second) -> {
			assertThat(second).hasSingleBean(ConsistencyScopeThreadLocalAccessor.class);
			assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
				.filteredOn((accessor) -> ConsistencyScopeThreadLocalAccessor.KEY.equals(accessor.key()))
				.singleElement()
				.isInstanceOf(ConsistencyScopeThreadLocalAccessor.class);
		}));
	}

	@Test
	void startsWithoutMicrometersContextPropagation() {
		this.nonWeb.withClassLoader(new FilteredClassLoader("io.micrometer.context")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ConsistencyScopeThreadLocalAccessor.class);
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
		return context.getBean(RoutingPoolsConsistencyAutoConfiguration.FILTER_BEAN_NAME, FilterRegistrationBean.class);
	}

	private static ConsistencyTokenFilter filter(AssertableWebApplicationContext context) {
		return (ConsistencyTokenFilter) filterRegistration(context).getFilter();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilterRegistration {

		@Bean
		FilterRegistrationBean<ConsistencyTokenFilter> ownConsistencyTokenFilter(ReadYourWrites rules) {
			return new FilterRegistrationBean<>(new ConsistencyTokenFilter(rules, TokenPropagation.HEADER));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilter {

		@Bean
		ConsistencyTokenFilter ownConsistencyTokenFilter(ReadYourWrites rules) {
			return new ConsistencyTokenFilter(rules, TokenPropagation.HEADER);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTaskDecorator implements TaskDecorator {

		final AtomicInteger decorated = new AtomicInteger();

		@Override
		public Runnable decorate(Runnable runnable) {
			this.decorated.incrementAndGet();
			return runnable;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TaskDecoratorUser {

		final TaskDecorator decorator;

		TaskDecoratorUser(TaskDecorator decorator) {
			this.decorator = decorator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncWork {

		@Bean
		ScopeReader scopeReader() {
			return new ScopeReader();
		}

	}

	static class ScopeReader {

		@Async
		public Future<Seen> read() {
			return CompletableFuture.completedFuture(new Seen(Thread.currentThread(), ConsistencyScope.current()));
		}

	}

	record Seen(Thread thread, @Nullable ConsistencyScope scope) {
	}

}
