package io.routingpools.autoconfigure;

import javax.sql.DataSource;

import io.routingpools.routing.RoutingDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.jdbc.DataSourceUnwrapper;

/**
 * What Flyway and Liquibase need to move their migrations from the routing DataSource to
 * the admin pool. The routing DataSource is recognised by what a DataSource unwraps to,
 * not by identity or bean type: a bean post-processor (tracing, observability, statement
 * logging) may have wrapped the application's DataSource bean.
 */
final class MigrationDataSources {

	private final BeanFactory beanFactory;

	MigrationDataSources(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Whether a migration configured with the given DataSource would run through the
	 * routing DataSource, that is on the primary pool with its statement timeout.
	 * @param dataSource the migration's DataSource, if it has one
	 * @return whether it is, or wraps, a routing DataSource
	 */
	static boolean isRouting(@Nullable DataSource dataSource) {
		return dataSource != null && DataSourceUnwrapper.unwrapRoot(dataSource) instanceof RoutingDataSource;
	}

	/**
	 * The admin pool as its bean, so that wrappers the application applies to every
	 * DataSource bean see the migrations, as they would with a single DataSource.
	 * @return the admin pool's bean
	 */
	DataSource adminPool() {
		return this.beanFactory.getBean(PoolBeansRegistrar.beanName(PoolDefinitionsResolver.ADMIN), DataSource.class);
	}

}
