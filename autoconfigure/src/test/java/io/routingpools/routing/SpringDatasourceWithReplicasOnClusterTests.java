package io.routingpools.routing;

import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ServedBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An existing application keeps its {@code spring.datasource.*} for the primary and only
 * declares replicas.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class SpringDatasourceWithReplicasOnClusterTests {

	@Test
	void readsGoToAReplicaAndWritesToTheSpringDatasourcePrimary(EmbeddedPostgresCluster cluster) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class,
							DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + cluster.username(),
					"spring.datasource.password=" + cluster.password(), "spring.datasource.hikari.maximum-pool-size=2",
					"routing-pools.replicas.replica-1.url=" + cluster.replicas().get(0).jdbcUrl())
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
				TransactionTemplate readOnly = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				readOnly.setReadOnly(true);
				assertThat(readOnly.execute((status) -> ServedBy.query(jdbc)).node()).isEqualTo("replica-1");
				assertThat(write.execute((status) -> ServedBy.query(jdbc)).node()).isEqualTo("primary");
			});
	}

}
