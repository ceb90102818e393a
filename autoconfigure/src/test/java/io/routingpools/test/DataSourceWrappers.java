package io.routingpools.test;

import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Bean post-processors that wrap every {@code DataSource} bean, as tracing, observability
 * and statement-logging libraries do. Add one with {@code withUserConfiguration}.
 */
public final class DataSourceWrappers {

	private DataSourceWrappers() {
	}

	/**
	 * Wraps every DataSource bean in a {@link DelegatingDataSource}.
	 */
	@Configuration(proxyBeanMethods = false)
	public static class Delegating {

		@Bean
		static BeanPostProcessor delegatingDataSourceWrapper() {
			return wrapping(DelegatingDataSource::new);
		}

	}

	/**
	 * Wraps every DataSource bean in a Spring AOP proxy of its interfaces (a JDK dynamic
	 * proxy).
	 */
	@Configuration(proxyBeanMethods = false)
	public static class AopProxy {

		@Bean
		static BeanPostProcessor aopProxyDataSourceWrapper() {
			return wrapping((dataSource) -> (DataSource) new ProxyFactory(dataSource).getProxy());
		}

	}

	private static BeanPostProcessor wrapping(UnaryOperator<DataSource> wrapper) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof DataSource dataSource) ? wrapper.apply(dataSource) : bean;
			}
		};
	}

}
