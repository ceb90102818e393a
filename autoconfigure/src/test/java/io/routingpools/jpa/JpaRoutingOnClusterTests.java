package io.routingpools.jpa;

import java.util.List;
import java.util.concurrent.Callable;

import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterProperties;
import io.routingpools.test.Nodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Data JPA repositories route by their own transactions: reads ({@code findById},
 * {@code findAll}, read-only by default) on a replica, saves on the primary. Replay is
 * paused on both replicas, so a row saved on the primary is invisible exactly where the
 * replicas serve.
 */
@SpringBootTest(classes = JpaApplication.class)
@ExtendWith(EmbeddedClusterExtension.class)
class JpaRoutingOnClusterTests {

	@Autowired
	private NoteRepository notes;

	@Autowired
	private EntityManagerFactory entityManagerFactory;

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ClusterProperties.register(registry, EmbeddedClusterExtension.sharedCluster(),
				"spring.jpa.hibernate.ddl-auto=update", "spring.flyway.enabled=false",
				"spring.liquibase.enabled=false");
	}

	@AfterEach
	void resumeReplay() {
		Nodes.resumeReplay(EmbeddedClusterExtension.sharedCluster());
	}

	@Test
	void findByIdReadsFromAReplica() throws Exception {
		long id = this.notes.save(new Note("before pause")).getId();
		EmbeddedClusterExtension.sharedCluster().awaitReplication();
		pauseReplicas();
		long unseen = this.notes.save(new Note("after pause")).getId();
		// Another client (a scope without this one's token) reads from a replica.
		assertThat(elsewhere(() -> this.notes.findById(id))).as("rows replayed before the pause are served")
			.isPresent();
		assertThat(elsewhere(() -> this.notes.findById(unseen))).as("a replica does not have the row yet").isEmpty();
		assertThat(this.notes.findById(unseen)).as("the client that wrote it reads its write").isPresent();
	}

	@Test
	void findAllReadsFromAReplica() throws Exception {
		pauseReplicas();
		Note saved = this.notes.save(new Note("only on the primary"));
		List<Long> ids = elsewhere(() -> this.notes.findAll().stream().map(Note::getId).toList());
		assertThat(ids).doesNotContain(saved.getId());
	}

	@Test
	void saveWritesOnThePrimary() {
		pauseReplicas();
		Note saved = this.notes.save(new Note("saved"));
		assertThat(saved.getId()).isNotNull();
		resumeReplay();
		assertThat(this.notes.findById(saved.getId())).map(Note::getBody).contains("saved");
	}

	@Test
	void withOpenEntityManagerInViewEachTransactionOfTheRequestIsRoutedOnItsOwn() throws Exception {
		EntityManager entityManager = this.entityManagerFactory.createEntityManager();
		TransactionSynchronizationManager.bindResource(this.entityManagerFactory,
				new EntityManagerHolder(entityManager));
		try {
			Note before = this.notes.save(new Note("request: first write"));
			EmbeddedClusterExtension.sharedCluster().awaitReplication();
			pauseReplicas();
			List<Long> beforeWrite = this.notes.findAll().stream().map(Note::getId).toList();
			assertThat(beforeWrite).as("the read-only transaction of the request ran on a replica")
				.contains(before.getId());
			Note during = this.notes.save(new Note("request: second write"));
			List<Long> afterWrite = this.notes.findAll().stream().map(Note::getId).toList();
			assertThat(afterWrite).as("a read after the request's write sees it").contains(during.getId());
			assertThat(elsewhere(() -> this.notes.findAll().stream().map(Note::getId).toList()))
				.as("replicas have not replayed it: another client's read on a replica misses it")
				.doesNotContain(during.getId());
			Note after = this.notes.save(new Note("request: write after read"));
			assertThat(after.getId()).as("the next write transaction went back to the primary").isNotNull();
		}
		finally {
			TransactionSynchronizationManager.unbindResource(this.entityManagerFactory);
			entityManager.close();
		}
	}

	// A read in a scope of its own, as another client's would be: it does not follow this
	// test's writes.
	private static <T> T elsewhere(Callable<T> read) throws Exception {
		return ConsistencyScope.call(null, read);
	}

	private static void pauseReplicas() {
		EmbeddedClusterExtension.sharedCluster().replicas().forEach(PostgresNode::pauseReplay);
	}

}
