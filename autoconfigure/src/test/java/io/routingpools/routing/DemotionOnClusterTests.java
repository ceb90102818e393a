package io.routingpools.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.routingpools.RoutingPools;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A write on the primary pool that fails with SQLSTATE 25006 on a node in recovery: the
 * primary was demoted, or its address (a Patroni/HAProxy address, PgBouncer) now reaches
 * a standby. Simulated without harming the shared cluster by pointing the primary pool at
 * a replica.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class DemotionOnClusterTests {

	@Test
	void aWriteThatReachesAStandbyEvictsThePrimaryPoolsConnectionsAndIsCounted(EmbeddedPostgresCluster cluster) {
		Events events = new Events();
		ClusterApplications.jdbc(cluster)
			.withPropertyValues("routing-pools.primary.url=" + cluster.replicas().get(0).jdbcUrl(),
					"routing-pools.primary.minimum-idle=2")
			.withBean(FailoverEvents.class, () -> events)
			.run((context) -> {
				NamedPool primary = context.getBean(NamedPools.class).primary();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> primary.dataSource().getHikariPoolMXBean().getTotalConnections() >= 2);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThatThrownBy(() -> jdbc.execute("create table demoted (id int)")).hasMessageContaining("25006");
				assertThat(events.causes).containsExactly(FailoverCause.DEMOTION);
				// The idle connections were closed at once, the one that failed on
				// return;
				// HikariCP refills to minimum-idle with new ones.
				assertThat(primary.dataSource().getHikariPoolMXBean().getTotalConnections()).isLessThan(2);
			});
	}

	@Test
	void readOnlyWorkOnThePrimaryThatWritesIsNotADemotion(EmbeddedPostgresCluster cluster) {
		Events events = new Events();
		ClusterApplications.jdbc(cluster).withBean(FailoverEvents.class, () -> events).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
			// Both replicas out of rotation: read-only work falls back to the primary.
			for (String replica : List.of("replica-1", "replica-2")) {
				context.getBean(RoutingPools.class).drain(replica);
			}
			assertThatThrownBy(() -> Transactions.readOnly(transactions)
				.executeWithoutResult((status) -> jdbc.execute("create table written_read_only (id int)")))
				.hasMessageContaining("25006");
			assertThat(events.causes).isEmpty();
		});
	}

	private static final class Events implements FailoverEvents {

		final List<FailoverCause> causes = new CopyOnWriteArrayList<>();

		@Override
		public void failover(NamedPool pool, FailoverCause cause) {
			this.causes.add(cause);
		}

	}

}
