package io.routingpools.consistency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.routingpools.autoconfigure.RoutingPoolsConsistencyAutoConfiguration;
import io.routingpools.autoconfigure.RoutingPoolsTenantAutoConfiguration;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Async} work reads what the thread that handed it over wrote, with replay paused
 * on every replica: Spring Boot's {@code applicationTaskExecutor} runs it in the caller's
 * scope (DESIGN section 5).
 */
@ExtendWith(EmbeddedClusterExtension.class)
class AsyncReadYourWritesOnClusterTests {

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster shared) {
		cluster = shared;
		runner = ClusterApplications.jdbc(cluster)
			.withConfiguration(AutoConfigurations.of(RoutingPoolsConsistencyAutoConfiguration.class,
					RoutingPoolsTenantAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
			.withUserConfiguration(AsyncReads.class)
			.withInitializer((context) -> Nodes.execute(cluster.primary(),
					"create table if not exists async_writes (id bigint primary key)"));
	}

	@AfterEach
	void resumeReplay() {
		Nodes.resumeReplay(cluster);
	}

	@Test
	void asyncWorkAfterAWriteReadsTheWrite() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			cluster.replicas().forEach(PostgresNode::pauseReplay);
			long id = System.nanoTime();
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
				.executeWithoutResult((status) -> jdbc.update("insert into async_writes values (?)", id));
			Reader reader = context.getBean(Reader.class);
			assertThat(reader.count(id).get(30, TimeUnit.SECONDS)).isEqualTo(1);
			// The same read from a scope without the write: a replica that has not
			// replayed it answers.
			assertThat(ConsistencyScope.call(null, () -> reader.count(id).get(30, TimeUnit.SECONDS))).isZero();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncReads {

		@Bean
		Reader reader(JdbcTemplate jdbc) {
			return new Reader(jdbc);
		}

	}

	static class Reader {

		private final JdbcTemplate jdbc;

		Reader(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Async
		@Transactional(readOnly = true)
		public CompletableFuture<Long> count(long id) {
			return CompletableFuture.completedFuture(
					this.jdbc.queryForObject("select count(*) from async_writes where id = ?", Long.class, id));
		}

	}

}
