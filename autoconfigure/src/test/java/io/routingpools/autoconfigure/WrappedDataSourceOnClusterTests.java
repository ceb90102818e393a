package io.routingpools.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.routing.RoutingDataSource;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.DataSourceWrappers;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing through an application DataSource that a bean post-processor has wrapped (the
 * way tracing and statement-logging libraries do), with Flyway and Liquibase on the class
 * path as in most applications.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class WrappedDataSourceOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createTable(EmbeddedPostgresCluster cluster) throws SQLException {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists wrapped_notes (id serial primary key, body text)");
		}
		runner = ClusterApplications.jdbc(cluster);
	}

	@Test
	void startsWithTheRoutingDataSourceWrappedByAPostProcessor() {
		runner.withUserConfiguration(DataSourceWrappers.Delegating.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(DataSource.class)).isInstanceOfSatisfying(DelegatingDataSource.class,
					(wrapper) -> assertThat(wrapper.getTargetDataSource()).isInstanceOf(RoutingDataSource.class));
		});
	}

	@Test
	void readOnlyTransactionThroughADelegatingWrapperRunsOnAReplica() {
		runner.withUserConfiguration(DataSourceWrappers.Delegating.class).run((context) -> {
			ServedBy servedBy = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
			assertThat(servedBy.onReplica()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void writeTransactionThroughADelegatingWrapperRunsOnThePrimary() {
		runner.withUserConfiguration(DataSourceWrappers.Delegating.class).run((context) -> {
			ServedBy servedBy = writeAndAsk(context.getBean(PlatformTransactionManager.class),
					context.getBean(JdbcTemplate.class));
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
			assertThat(servedBy.pool()).isEqualTo("primary");
		});
	}

	@Test
	void readOnlyTransactionThroughAnAopProxyRunsOnAReplica() {
		runner.withUserConfiguration(DataSourceWrappers.AopProxy.class).run((context) -> {
			ServedBy servedBy = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
			assertThat(servedBy.onReplica()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void writeTransactionThroughAnAopProxyRunsOnThePrimary() {
		runner.withUserConfiguration(DataSourceWrappers.AopProxy.class).run((context) -> {
			ServedBy servedBy = writeAndAsk(context.getBean(PlatformTransactionManager.class),
					context.getBean(JdbcTemplate.class));
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
			assertThat(servedBy.pool()).isEqualTo("primary");
		});
	}

	private static ServedBy writeAndAsk(PlatformTransactionManager transactionManager, JdbcTemplate jdbc) {
		return new TransactionTemplate(transactionManager).execute((status) -> {
			jdbc.update("insert into wrapped_notes (body) values ('written through a wrapper')");
			return ServedBy.query(jdbc);
		});
	}

}
