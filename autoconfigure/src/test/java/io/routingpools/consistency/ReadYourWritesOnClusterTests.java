package io.routingpools.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.routing.Route;
import io.routingpools.routing.RouteReason;
import io.routingpools.routing.Router;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read-your-writes on the shared cluster: a read that follows a committed write in the
 * same scope never misses it, with replay paused on every replica, while reads that
 * follow no write still go to replicas. Replicas stay in rotation however long replay is
 * paused (the lag limits are set high), so that the tokens, not the monitor, keep reads
 * consistent.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class ReadYourWritesOnClusterTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster shared) {
		cluster = shared;
		runner = ClusterApplications
			.jdbc(cluster, "routing-pools.health.check-interval=100ms", "routing-pools.health.max-replication-lag=1h",
					"routing-pools.health.max-replication-lag-bytes=1GB", "routing-pools.consistency.token-max-age=2h",
					"routing-pools.defaults.maximum-pool-size=6")
			.withInitializer((context) -> Nodes.execute(cluster.primary(),
					"create table if not exists consistency_writes (id bigint primary key, thread int)"));
	}

	@AfterEach
	void resumeReplay() {
		Nodes.resumeReplay(cluster);
	}

	@Test
	void writeThenReadPairsAreNeverStaleWhileReplayIsPausedAndResumedAtRandom() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate writes = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			AtomicBoolean done = new AtomicBoolean();
			AtomicInteger stale = new AtomicInteger();
			AtomicInteger onReplicas = new AtomicInteger();
			long base = System.nanoTime();
			ExecutorService threads = Executors.newFixedThreadPool(5);
			try {
				Future<?> faults = threads.submit(() -> pauseAndResumeAtRandom(done));
				List<Future<?>> pairs = new ArrayList<>();
				for (int thread = 0; thread < 4; thread++) {
					int number = thread;
					pairs.add(threads.submit(() -> {
						for (int i = 0; i < 500; i++) {
							long id = base + number * 1_000_000L + i;
							writes.executeWithoutResult((status) -> jdbc
								.update("insert into consistency_writes values (?, ?)", id, number));
							ServedBy servedBy = reads.execute((status) -> {
								Integer found = jdbc.queryForObject(
										"select count(*) from consistency_writes where id = ?", Integer.class, id);
								if (found == null || found != 1) {
									stale.incrementAndGet();
								}
								return ServedBy.query(jdbc);
							});
							if (servedBy.onReplica()) {
								onReplicas.incrementAndGet();
							}
						}
					}));
				}
				for (Future<?> pair : pairs) {
					pair.get(5, TimeUnit.MINUTES);
				}
				done.set(true);
				faults.get(1, TimeUnit.MINUTES);
			}
			finally {
				done.set(true);
				threads.shutdownNow();
			}
			assertThat(stale).hasValue(0);
			// Replicas served some of the reads: the pairs did cross replicas.
			assertThat(onReplicas.get()).isPositive();
		});
	}

	@Test
	void aRepeatableReadTransactionThatWaitedForItsReplicaSeesTheWrite() {
		runner.withPropertyValues("routing-pools.consistency.max-wait=20s").run((context) -> {
			awaitReplicasUp(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
			cluster.replicas().forEach(PostgresNode::pauseReplay);
			long id = System.nanoTime();
			new TransactionTemplate(transactions)
				.executeWithoutResult((status) -> jdbc.update("insert into consistency_writes values (?, 0)", id));
			ConsistencyToken token = ConsistencyToken.current();
			TransactionTemplate repeatableRead = Transactions.readOnly(transactions);
			repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
			CompletableFuture<Long> found = CompletableFuture.supplyAsync(() -> {
				ConsistencyScope previous = new ConsistencyScope(token).enter();
				try {
					return repeatableRead.execute((status) -> jdbc.queryForObject(
							"select count(*) from consistency_writes where id = ? and pg_is_in_recovery()", Long.class,
							id));
				}
				finally {
					ConsistencyScope.restore(previous);
				}
			});
			// The read waits on a replica, asking it its replay position; then replay
			// goes
			// on, and the read must see the write.
			await().atMost(PATIENCE).until(() -> cluster.replicas().stream().anyMatch((replica) -> asking(replica)));
			cluster.replicas().forEach(PostgresNode::resumeReplay);
			assertThat(found.get(1, TimeUnit.MINUTES)).isEqualTo(1);
		});
	}

	@Test
	void readsWithoutARecentWriteGoToReplicasWhileReplayIsPaused() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			cluster.replicas().forEach(PostgresNode::pauseReplay);
			Nodes.execute(cluster.primary(), "insert into consistency_writes values (-1, -1) on conflict do nothing");
			for (int i = 0; i < 20; i++) {
				assertThat(reads.execute((status) -> ServedBy.query(jdbc)).onReplica()).isTrue();
			}
		});
	}

	@Test
	void aReadAfterAWriteGoesToAReplicaOnceItReplayedEvenWithThePrimaryIdle() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate writes = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			writes.executeWithoutResult((status) -> jdbc
				.update("insert into consistency_writes values (-2, -2) on conflict (id) do update set thread = -2"));
			assertThat(ConsistencyToken.current()).isNotNull();
			cluster.awaitReplication();
			// Nothing written since: the monitor's samples of the idle primary must not
			// keep the token out of reach (the insert position's page-header correction).
			await().during(Duration.ofMillis(500))
				.atMost(PATIENCE)
				.until(() -> reads.execute((status) -> ServedBy.query(jdbc)).onReplica());
			assertThat(ConsistencyToken.current()).isNotNull();
		});
	}

	@Test
	void readOnlyTransactionsRecordNoToken() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate writes = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			reads.execute((status) -> ServedBy.query(jdbc));
			// A transaction not marked read-only that wrote nothing: no token either.
			writes.execute((status) -> jdbc.queryForObject("select count(*) from consistency_writes", Long.class));
			assertThat(ConsistencyToken.current()).isNull();
		});
	}

	@Test
	void aTokenCarriedToAnotherApplicationInstanceKeepsItsReadsConsistent() {
		runner.run((writer) -> runner.run((reader) -> {
			awaitReplicasUp(writer);
			awaitReplicasUp(reader);
			cluster.replicas().forEach(PostgresNode::pauseReplay);
			JdbcTemplate writerJdbc = writer.getBean(JdbcTemplate.class);
			new TransactionTemplate(writer.getBean(PlatformTransactionManager.class))
				.executeWithoutResult((status) -> writerJdbc
					.update("insert into consistency_writes values (-3, -3) on conflict do nothing"));
			String carried = ConsistencyToken.current().serialize();
			ConsistencyScope.restore(null);
			JdbcTemplate readerJdbc = reader.getBean(JdbcTemplate.class);
			TransactionTemplate reads = Transactions.readOnly(reader.getBean(PlatformTransactionManager.class));
			ServedBy withToken = ConsistencyScope.call(ConsistencyToken.parse(carried),
					() -> reads.execute((status) -> ServedBy.query(readerJdbc)));
			assertThat(withToken.onReplica()).isFalse();
			ServedBy withoutToken = reads.execute((status) -> ServedBy.query(readerJdbc));
			assertThat(withoutToken.onReplica()).isTrue();
			assertThat(routes(reader, RouteReason.CONSISTENCY)).isPositive();
		}));
	}

	@Test
	void tokensThatDoNotApplyAreIgnored() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			ReplicaStates states = context.getBean(ReplicaStates.class);
			ReadYourWrites rules = context.getBean(ReadYourWrites.class);
			await().atMost(PATIENCE).until(() -> states.identity() != null && states.primaryPosition() > 0);
			long cluster = states.identity().systemIdentifier();
			int timeline = states.identity().timeline();
			long now = System.currentTimeMillis();
			long position = states.primaryPosition();
			assertThat(rules.accept(new ConsistencyToken(cluster, timeline, position, now).serialize())).isNotNull();
			assertThat(rules.accept(new ConsistencyToken(cluster + 1, timeline, position, now).serialize())).isNull();
			assertThat(
					rules.accept(new ConsistencyToken(cluster, timeline, position, now - 3 * 3_600_000L).serialize()))
				.isNull();
			assertThat(rules.accept(new ConsistencyToken(cluster, timeline, position, now + 60_000).serialize()))
				.isNull();
			long issued = now - 10_000;
			await().atMost(PATIENCE).until(() -> states.primarySampledAtMillis() > issued + 3000);
			assertThat(rules.accept(new ConsistencyToken(cluster, timeline, position + (1L << 40), issued).serialize()))
				.isNull();
			assertThat(rules.accept("v1.garbage")).isNull();
			assertThat(rules.accept(null)).isNull();
		});
	}

	@Test
	void aFreshTokenBeyondThePrimaryIsIgnoredAtOnce() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			ReplicaStates states = context.getBean(ReplicaStates.class);
			await().atMost(PATIENCE).until(() -> states.identity() != null);
			ConsistencyToken forged = new ConsistencyToken(states.identity().systemIdentifier(),
					states.identity().timeline(), states.primaryPosition() + (1L << 40), System.currentTimeMillis());
			assertThat(context.getBean(ReadYourWrites.class).accept(forged.serialize())).isNull();
		});
	}

	@Test
	void aFreshTokenFromAnotherInstanceIsAccepted() {
		runner.run((writer) -> runner.run((reader) -> {
			awaitReplicasUp(writer);
			awaitReplicasUp(reader);
			JdbcTemplate jdbc = writer.getBean(JdbcTemplate.class);
			new TransactionTemplate(writer.getBean(PlatformTransactionManager.class)).executeWithoutResult(
					(status) -> jdbc.update("insert into consistency_writes values (-6, -6) on conflict do nothing"));
			ConsistencyToken token = ConsistencyToken.current();
			assertThat(reader.getBean(ReadYourWrites.class).accept(token.serialize())).isEqualTo(token);
		}));
	}

	@Test
	void aForgedTokenBeyondThePrimaryDoesNotKeepReadsOffReplicas() {
		runner.run((context) -> {
			awaitReplicasUp(context);
			ReplicaStates states = context.getBean(ReplicaStates.class);
			long issued = System.currentTimeMillis() - 5000;
			await().atMost(PATIENCE)
				.until(() -> states.identity() != null && states.primarySampledAtMillis() > issued + 3000);
			ConsistencyToken forged = new ConsistencyToken(states.identity().systemIdentifier(),
					states.identity().timeline(), states.primaryPosition() + (1L << 40), issued);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			ServedBy servedBy = ConsistencyScope.call(forged, () -> reads.execute((status) -> ServedBy.query(jdbc)));
			assertThat(servedBy.onReplica()).isTrue();
		});
	}

	@Test
	void windowModeKeepsReadsOnThePrimaryAfterAWrite() {
		runner.withPropertyValues("routing-pools.consistency.mode=window", "routing-pools.consistency.window=1h")
			.run((context) -> {
				awaitReplicasUp(context);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				TransactionTemplate writes = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
				TransactionTemplate reads = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
				assertThat(reads.execute((status) -> ServedBy.query(jdbc)).onReplica()).isTrue();
				writes.executeWithoutResult((status) -> jdbc.update(
						"insert into consistency_writes values (-4, -4) on conflict (id) do update set thread = -4"));
				cluster.awaitReplication();
				assertThat(reads.execute((status) -> ServedBy.query(jdbc)).onReplica()).isFalse();
				assertThat(ConsistencyToken.current().hasPosition()).isFalse();
			});
	}

	@Test
	void modeNoneRecordsNothing() {
		runner.withPropertyValues("routing-pools.consistency.mode=none").run((context) -> {
			awaitReplicasUp(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(
					(status) -> jdbc.update("insert into consistency_writes values (-5, -5) on conflict do nothing"));
			assertThat(ConsistencyToken.current()).isNull();
		});
	}

	private static long routes(AssertableApplicationContext context, RouteReason reason) {
		return context.getBean(Router.class)
			.routes()
			.stream()
			.filter((route) -> route.reason() == reason)
			.mapToLong(Route::bindings)
			.sum();
	}

	private static void pauseAndResumeAtRandom(AtomicBoolean done) {
		while (!done.get()) {
			for (PostgresNode replica : cluster.replicas()) {
				if (ThreadLocalRandom.current().nextBoolean()) {
					replica.pauseReplay();
				}
				else {
					replica.resumeReplay();
				}
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(5, 60)));
		}
	}

	private static boolean asking(PostgresNode replica) {
		try (var connection = replica.connect();
				var statement = connection.createStatement();
				var row = statement.executeQuery("select count(*) from pg_stat_activity "
						+ "where query = 'SELECT pg_last_wal_replay_lsn()' and application_name like 'replica-%'")) {
			return row.next() && row.getLong(1) > 0;
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitReplicasUp(AssertableApplicationContext context) {
		ReplicaStates states = context.getBean(ReplicaStates.class);
		await().atMost(PATIENCE)
			.until(() -> states.all()
				.stream()
				.allMatch((status) -> status.checkedAt() != null && status.state() == ReplicaState.UP));
	}

}
