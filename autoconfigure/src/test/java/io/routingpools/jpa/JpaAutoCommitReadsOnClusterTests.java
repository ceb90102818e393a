package io.routingpools.jpa;

import java.util.List;

import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.routing.Route;
import io.routingpools.routing.RouteReason;
import io.routingpools.routing.Router;
import io.routingpools.test.ClusterProperties;
import io.routingpools.test.Nodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code routing.auto-commit-reads: replica}, a Spring Data query method declared on
 * the repository interface (no transaction: Hibernate runs its prepared statement in
 * auto-commit mode) reads from a replica, and still follows its scope's writes. Replay is
 * paused so that a replica's answer shows.
 */
@SpringBootTest(classes = JpaApplication.class)
@ExtendWith(EmbeddedClusterExtension.class)
class JpaAutoCommitReadsOnClusterTests {

	@Autowired
	private NoteRepository notes;

	@Autowired
	private Router router;

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ClusterProperties.register(registry, EmbeddedClusterExtension.sharedCluster(),
				"spring.jpa.hibernate.ddl-auto=update", "spring.flyway.enabled=false", "spring.liquibase.enabled=false",
				"routing-pools.routing.auto-commit-reads=replica");
	}

	@AfterEach
	void resumeReplay() {
		Nodes.resumeReplay(EmbeddedClusterExtension.sharedCluster());
	}

	@Test
	void aQueryMethodWithoutTransactionReadsFromAReplica() throws Exception {
		this.notes.save(new Note("auto-commit: replayed"));
		EmbeddedClusterExtension.sharedCluster().awaitReplication();
		EmbeddedClusterExtension.sharedCluster().replicas().forEach(PostgresNode::pauseReplay);
		this.notes.save(new Note("auto-commit: not replayed"));
		long before = autoCommitReads();
		List<Note> replayed = ConsistencyScope.call(null, () -> this.notes.findByBody("auto-commit: replayed"));
		List<Note> notReplayed = ConsistencyScope.call(null, () -> this.notes.findByBody("auto-commit: not replayed"));
		assertThat(replayed).isNotEmpty();
		assertThat(notReplayed).as("another client's read went to a replica that has not replayed it").isEmpty();
		assertThat(autoCommitReads()).isGreaterThanOrEqualTo(before + 2);
	}

	@Test
	void aQueryMethodWithoutTransactionFollowsItsScopesWrite() {
		EmbeddedClusterExtension.sharedCluster().replicas().forEach(PostgresNode::pauseReplay);
		this.notes.save(new Note("auto-commit: my own write"));
		assertThat(this.notes.findByBody("auto-commit: my own write")).isNotEmpty();
	}

	private long autoCommitReads() {
		return this.router.routes()
			.stream()
			.filter((route) -> route.reason() == RouteReason.AUTO_COMMIT_READ)
			.mapToLong(Route::bindings)
			.sum();
	}

}
