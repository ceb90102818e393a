package io.routingpools.routing;

import java.lang.reflect.Method;

import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link UsePool} is found on the beans that Spring's auto-proxying advises:
 * classes, the interfaces they implement, and proxies made by factories whose target does
 * not implement the annotated interface (the shape of a Spring Data repository). Each
 * method answers with the pool named while it runs ({@code null}: none); no server is
 * needed.
 */
class UsePoolAdvisorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, RoutingPoolsAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0", "routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-1.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-2.url=jdbc:postgresql://127.0.0.1:9/app")
		.withUserConfiguration(Beans.class);

	@Test
	void classLevelAnnotationRoutesEveryMethodOfTheClass() {
		this.runner.run((context) -> {
			AnnotatedClass bean = context.getBean(AnnotatedClass.class);
			assertThat(bean.read()).isEqualTo("replica-1");
			assertThat(bean.write()).isEqualTo("replica-1");
		});
	}

	@Test
	void methodLevelAnnotationOverridesTheClassLevelOne() {
		this.runner.run((context) -> {
			AnnotatedClassWithAnnotatedMethod bean = context.getBean(AnnotatedClassWithAnnotatedMethod.class);
			assertThat(bean.write()).isEqualTo("admin");
			assertThat(bean.read()).isEqualTo("replica-1");
		});
	}

	@Test
	void methodLevelAnnotationInASuperclassRoutesTheMethodInheritedBySubclasses() {
		this.runner.run((context) -> {
			SubclassOfAnnotatedMethod bean = context.getBean(SubclassOfAnnotatedMethod.class);
			assertThat(bean.write()).isEqualTo("admin");
			assertThat(bean.read()).isNull();
		});
	}

	@Test
	void classLevelAnnotationOnASubclassRoutesMethodsInheritedFromItsSuperclass() {
		this.runner
			.run((context) -> assertThat(context.getBean(AnnotatedSubclass.class).read()).isEqualTo("replica-2"));
	}

	@Test
	void classLevelAnnotationOnAnInterfaceRoutesTheMethodsOfAClassImplementingIt() {
		this.runner.run((context) -> assertThat(context.getBean(AnnotatedInterfaceImplementation.class).read())
			.isEqualTo("replica-2"));
	}

	@Test
	void methodLevelAnnotationOnAnInterfaceRoutesTheMethodImplementingIt() {
		this.runner.run((context) -> {
			AdminWriteImplementation bean = context.getBean(AdminWriteImplementation.class);
			assertThat(bean.write()).isEqualTo("admin");
			assertThat(bean.read()).isNull();
		});
	}

	@Test
	void methodLevelAnnotationOnAnInterfaceRoutesAnImplementationInheritedFromASuperclass() {
		this.runner.run((context) -> {
			AdminWriteInheritedImplementation bean = context.getBean(AdminWriteInheritedImplementation.class);
			assertThat(bean.write()).isEqualTo("admin");
			assertThat(bean.read()).isNull();
		});
	}

	@Test
	void methodLevelAnnotationOnAnInterfaceOverridesTheClassLevelOneOfTheImplementingClass() {
		this.runner.run((context) -> {
			PrimaryStoreWithAdminWrite bean = context.getBean(PrimaryStoreWithAdminWrite.class);
			assertThat(bean.write()).isEqualTo("admin");
			assertThat(bean.read()).isEqualTo("primary");
		});
	}

	@Test
	void jdkProxiesOfOneInterfaceEachUseTheirTargetsPool() {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=false").run((context) -> {
			Store replicaOne = context.getBean("replicaOneImplementation", Store.class);
			Store replicaTwo = context.getBean("replicaTwoImplementation", Store.class);
			assertThat(replicaOne.getClass()).as("one proxy class for both").isEqualTo(replicaTwo.getClass());
			assertThat(replicaOne.read()).isEqualTo("replica-1");
			assertThat(replicaTwo.read()).isEqualTo("replica-2");
		});
	}

	@Test
	void classLevelAnnotationOnAFactoryMadeProxysInterfaceRoutesTheMethodsItInherits() {
		this.runner.run((context) -> assertThat(context.getBean(ReplicaOneStore.class).read()).isEqualTo("replica-1"));
	}

	@Test
	void methodLevelAnnotationOnAMethodRedeclaredInAFactoryMadeProxysInterfaceRoutesThatMethod() {
		this.runner.run((context) -> {
			AdminWriteStore store = context.getBean(AdminWriteStore.class);
			assertThat(store.write()).isEqualTo("admin");
			assertThat(store.read()).isNull();
		});
	}

	@Test
	void methodLevelAnnotationOnAFactoryMadeProxysInterfaceOverridesItsClassLevelOne() {
		this.runner.run((context) -> {
			ReplicaOneStoreWithAdminWrite store = context.getBean(ReplicaOneStoreWithAdminWrite.class);
			assertThat(store.write()).isEqualTo("admin");
			assertThat(store.read()).isEqualTo("replica-1");
		});
	}

	@Test
	void factoryMadeProxiesSharingATargetClassEachUseTheirOwnInterfacesPool() {
		this.runner.run((context) -> {
			ReplicaOneStore replicaOne = context.getBean(ReplicaOneStore.class);
			ReplicaTwoStore replicaTwo = context.getBean(ReplicaTwoStore.class);
			assertThat(replicaOne.read()).isEqualTo("replica-1");
			assertThat(replicaTwo.read()).isEqualTo("replica-2");
			assertThat(replicaOne.read()).isEqualTo("replica-1");
		});
	}

	@Test
	void factoryMadeProxyWithoutTargetIsRoutedByItsInterface() {
		this.runner.run((context) -> assertThat(context.getBean(TargetlessStore.class).read()).isEqualTo("replica-2"));
	}

	@Test
	void interceptorAddedInsideAFactoryMadeProxyFindsTheAnnotationOnTheProxysInterface() {
		ProxyFactory factory = new ProxyFactory();
		factory.setTarget(new GenericStore());
		factory.setInterfaces(ReplicaOneStore.class);
		factory.addAdvice(new UsePoolInterceptor());
		assertThat(((ReplicaOneStore) factory.getProxy()).read()).isEqualTo("replica-1");
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		AnnotatedClass annotatedClass() {
			return new AnnotatedClass();
		}

		@Bean
		AnnotatedClassWithAnnotatedMethod annotatedClassWithAnnotatedMethod() {
			return new AnnotatedClassWithAnnotatedMethod();
		}

		@Bean
		SubclassOfAnnotatedMethod subclassOfAnnotatedMethod() {
			return new SubclassOfAnnotatedMethod();
		}

		@Bean
		AnnotatedSubclass annotatedSubclass() {
			return new AnnotatedSubclass();
		}

		@Bean
		AnnotatedInterfaceImplementation annotatedInterfaceImplementation() {
			return new AnnotatedInterfaceImplementation();
		}

		@Bean
		AdminWriteImplementation adminWriteImplementation() {
			return new AdminWriteImplementation();
		}

		@Bean
		AdminWriteInheritedImplementation adminWriteInheritedImplementation() {
			return new AdminWriteInheritedImplementation();
		}

		@Bean
		PrimaryStoreWithAdminWrite primaryStoreWithAdminWrite() {
			return new PrimaryStoreWithAdminWrite();
		}

		@Bean
		Store replicaOneImplementation() {
			return new ReplicaOneImplementation();
		}

		@Bean
		Store replicaTwoImplementation() {
			return new ReplicaTwoImplementation();
		}

		@Bean
		ReplicaOneStore replicaOneStore() {
			return factoryMade(ReplicaOneStore.class);
		}

		@Bean
		ReplicaTwoStore replicaTwoStore() {
			return factoryMade(ReplicaTwoStore.class);
		}

		@Bean
		AdminWriteStore adminWriteStore() {
			return factoryMade(AdminWriteStore.class);
		}

		@Bean
		ReplicaOneStoreWithAdminWrite replicaOneStoreWithAdminWrite() {
			return factoryMade(ReplicaOneStoreWithAdminWrite.class);
		}

		@Bean
		TargetlessStore targetlessStore() {
			MethodInterceptor answer = (invocation) -> PoolRouting.currentPool();
			return ProxyFactory.getProxy(TargetlessStore.class, answer);
		}

		/**
		 * A proxy such as a repository factory makes: the specific interface, served by a
		 * generic target that implements only what that interface extends.
		 */
		private static <T extends Store> T factoryMade(Class<T> storeInterface) {
			GenericStore target = new GenericStore();
			ProxyFactory factory = new ProxyFactory();
			factory.setTarget(target);
			factory.setInterfaces(storeInterface);
			factory.addAdvice(callingTheImplementationOf(target));
			return storeInterface.cast(factory.getProxy());
		}

		// The target does not implement a method that the interface redeclares.
		private static MethodInterceptor callingTheImplementationOf(GenericStore target) {
			return (invocation) -> {
				Method implementation = ClassUtils.getMostSpecificMethod(invocation.getMethod(), target.getClass());
				return AopUtils.invokeJoinpointUsingReflection(target, implementation, invocation.getArguments());
			};
		}

	}

	/** Generic operations, as {@code CrudRepository} declares them. */
	interface Store {

		String read();

		String write();

	}

	/** Their generic implementation, as {@code SimpleJpaRepository}. */
	static class GenericStore implements Store {

		@Override
		public String read() {
			return PoolRouting.currentPool();
		}

		@Override
		public String write() {
			return PoolRouting.currentPool();
		}

	}

	@UsePool("replica-1")
	static class AnnotatedClass {

		public String read() {
			return PoolRouting.currentPool();
		}

		public String write() {
			return PoolRouting.currentPool();
		}

	}

	@UsePool("replica-1")
	static class AnnotatedClassWithAnnotatedMethod extends GenericStore {

		@Override
		@UsePool("admin")
		public String write() {
			return PoolRouting.currentPool();
		}

	}

	static class AnnotatedMethod extends GenericStore {

		@Override
		@UsePool("admin")
		public String write() {
			return PoolRouting.currentPool();
		}

	}

	static class SubclassOfAnnotatedMethod extends AnnotatedMethod {

	}

	@UsePool("replica-2")
	static class AnnotatedSubclass extends GenericStore {

	}

	@UsePool("replica-2")
	interface AnnotatedInterface extends Store {

	}

	static class AnnotatedInterfaceImplementation extends GenericStore implements AnnotatedInterface {

	}

	interface AdminWrite extends Store {

		@Override
		@UsePool("admin")
		String write();

	}

	static class AdminWriteImplementation extends GenericStore implements AdminWrite {

		@Override
		public String write() {
			return PoolRouting.currentPool();
		}

	}

	/** Implements {@link AdminWrite#write()} with the method it inherits. */
	static class AdminWriteInheritedImplementation extends GenericStore implements AdminWrite {

	}

	/** Implements {@link AdminWrite#write()} with the method it inherits. */
	@UsePool("primary")
	static class PrimaryStoreWithAdminWrite extends GenericStore implements AdminWrite {

	}

	@UsePool("replica-1")
	static class ReplicaOneImplementation extends GenericStore {

	}

	@UsePool("replica-2")
	static class ReplicaTwoImplementation extends GenericStore {

	}

	@UsePool("replica-1")
	interface ReplicaOneStore extends Store {

	}

	@UsePool("replica-2")
	interface ReplicaTwoStore extends Store {

	}

	interface AdminWriteStore extends Store {

		@Override
		@UsePool("admin")
		String write();

	}

	@UsePool("replica-1")
	interface ReplicaOneStoreWithAdminWrite extends Store {

		@Override
		@UsePool("admin")
		String write();

	}

	@UsePool("replica-2")
	interface TargetlessStore extends Store {

	}

}
