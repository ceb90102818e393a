package io.routingpools.test;

import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.embedded.EmbeddedPostgresCluster;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * JDBC applications on an embedded cluster as the cluster tests start them: the starter
 * with Spring Boot's DataSource, transaction ({@code @Transactional} included),
 * {@code JdbcTemplate} and {@code JdbcClient} autoconfiguration.
 */
public final class ClusterApplications {

	private ClusterApplications() {
	}

	/**
	 * A runner for applications on the cluster.
	 * @param cluster the cluster
	 * @param properties more properties, as {@code name=value}
	 * @return the runner
	 */
	public static ApplicationContextRunner jdbc(EmbeddedPostgresCluster cluster, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class,
							DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
							JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues(ClusterProperties.of(cluster, properties));
	}

}
