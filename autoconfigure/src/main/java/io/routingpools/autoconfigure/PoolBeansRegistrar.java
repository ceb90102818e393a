package io.routingpools.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.tenant.Tenants;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Exposes each pool (primary, replicas, admin, and {@code tenant-<id>} for each dedicated
 * tenant) as a {@code HikariDataSource} bean named {@code routingPools.<pool>}, qualified
 * with the pool name and not a default candidate: Spring Boot's pool metrics and health
 * see every pool, an application can inject one with {@code @Qualifier("admin")}, and the
 * routing DataSource stays the only candidate for a plain {@code DataSource}. The pools
 * themselves are owned (started and closed) by the {@link NamedPools} bean.
 */
class PoolBeansRegistrar implements ImportBeanDefinitionRegistrar {

	private static final String BEAN_NAME_PREFIX = "routingPools.";

	private final Environment environment;

	private final BeanFactory beanFactory;

	// Constructor injection (supported for registrars) rather than the Aware callbacks:
	// the fields are set before use and never null.
	PoolBeansRegistrar(Environment environment, BeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		for (String pool : poolNames()) {
			RootBeanDefinition definition = new RootBeanDefinition(HikariDataSource.class,
					() -> dataSource(this.beanFactory.getBean(NamedPools.class), pool));
			definition.setDefaultCandidate(false);
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, pool));
			definition.setDestroyMethodName("");
			registry.registerBeanDefinition(beanName(pool), definition);
		}
	}

	/**
	 * Name of the bean that exposes a pool.
	 * @param pool the pool's name
	 * @return the bean name
	 */
	static String beanName(String pool) {
		return BEAN_NAME_PREFIX + pool;
	}

	// An application's own NamedPools bean may lack a pool that the properties name.
	private static HikariDataSource dataSource(NamedPools pools, String name) {
		NamedPool pool = pools.find(name);
		if (pool == null) {
			throw new IllegalStateException("No pool named '" + name + "' among " + pools.names());
		}
		return pool.dataSource();
	}

	// Names are validated when the pools start; duplicates are dropped here so that the
	// validation, not a bean name clash, reports them.
	private Set<String> poolNames() {
		Set<String> names = new LinkedHashSet<>();
		names.add(PoolDefinitionsResolver.PRIMARY);
		Binder.get(this.environment)
			.bind("routing-pools.replicas", Bindable.mapOf(String.class, ReplicaProperties.class))
			.map(Map::keySet)
			.ifBound(names::addAll);
		names.add(PoolDefinitionsResolver.ADMIN);
		Binder.get(this.environment)
			.bind("routing-pools.tenants.dedicated", Bindable.mapOf(String.class, PoolProperties.class))
			.map(Map::keySet)
			.ifBound((tenants) -> tenants.forEach((id) -> names.add(Tenants.POOL_PREFIX + id)));
		return names;
	}

}
