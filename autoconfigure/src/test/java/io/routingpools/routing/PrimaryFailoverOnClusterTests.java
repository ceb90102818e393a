package io.routingpools.routing;

import java.time.Duration;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The primary killed and a replica promoted, with a pgjdbc multi-host primary URL
 * ({@code targetServerType=primary}): writes reach the new primary without a restart.
 * Kills the primary for good, so the cluster is this class's own.
 */
class PrimaryFailoverOnClusterTests {

	private static EmbeddedPostgresCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EmbeddedPostgresCluster.builder().replicas(2).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void writesReachThePromotedReplicaThroughAMultiHostUrlWithoutARestart() {
		PostgresNode oldPrimary = cluster.primary();
		PostgresNode promoted = cluster.replicas().get(0);
		String multiHost = "jdbc:postgresql://" + oldPrimary.host() + ":" + oldPrimary.port() + "," + promoted.host()
				+ ":" + promoted.port() + "/" + cluster.database() + "?targetServerType=primary";
		ClusterApplications
			.jdbc(cluster, "routing-pools.primary.url=" + multiHost, "routing-pools.primary.minimum-idle=2")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				jdbc.execute("create table failover_writes (id int)");
				assertThat(node(jdbc)).isEqualTo("primary");
				oldPrimary.kill();
				promoted.promote();
				await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
					jdbc.update("insert into failover_writes values (1)");
					return true;
				});
				// Every connection of the primary pool now reaches the new primary: the
				// old ones were evicted.
				for (int i = 0; i < 5; i++) {
					assertThat(node(jdbc)).isEqualTo(promoted.name());
				}
			});
	}

	private static String node(JdbcTemplate jdbc) {
		return jdbc.queryForObject("select current_setting('cluster_name') where not pg_is_in_recovery()",
				String.class);
	}

}
