package io.routingpools.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.routing.PoolRouting;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.HeldTransactions;
import io.routingpools.test.HeldTransactions.Held;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenant quotas on the shared pools (DESIGN section 7), measured on the embedded primary
 * and its replicas: each test's pools carry an {@code application_name} of their own, by
 * which the server's {@code pg_stat_activity} tells their sessions from everyone else's.
 * The pools are larger than the quotas, so that only a quota can limit the work.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class TenantQuotasOnClusterTests {

	private static final AtomicInteger applications = new AtomicInteger();

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster shared) {
		cluster = shared;
		runner = ClusterApplications.jdbc(cluster, "routing-pools.defaults.maximum-pool-size=10",
				"routing-pools.tenants.quotas.acme=3", "routing-pools.tenants.quota-wait-timeout=30s");
	}

	@Test
	void twentyTransactionsOfATenantNeverRunMoreThanItsQuotaAtOnceOnTheServer() {
		String application = uniqueApplicationName();
		runner.withPropertyValues(applicationName(application)).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			int mostActive = mostActiveWhile(application,
					() -> transaction.executeWithoutResult((status) -> jdbc.execute("select pg_sleep(0.2)")));
			assertThat(mostActive).isEqualTo(3);
		});
	}

	@Test
	void twentyAutoCommitStatementsOfATenantNeverRunMoreThanItsQuotaAtOnceOnTheServer() {
		String application = uniqueApplicationName();
		runner.withPropertyValues(applicationName(application)).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			int mostActive = mostActiveWhile(application, () -> jdbc.execute("select pg_sleep(0.2)"));
			assertThat(mostActive).isEqualTo(3);
		});
	}

	@Test
	void readOnlyTransactionsOnReplicasCountAgainstTheSameQuotaAsThePrimary() {
		String application = uniqueApplicationName();
		runner.withPropertyValues(applicationName(application)).run((context) -> {
			Tenant acme = context.getBean(Tenants.class).tenant("acme");
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			try (HeldTransactions held = new HeldTransactions(context.getBean(JdbcTemplate.class))) {
				Held write = held.hold("acme", writeTransaction(context));
				assertThat(write.awaitBound().onPrimary()).isTrue();
				assertThat(held.hold("acme", readOnly).awaitBound().onReplica()).isTrue();
				assertThat(held.hold("acme", readOnly).awaitBound().onReplica()).isTrue();
				Held fourth = held.hold("acme", readOnly);
				Awaitility.await().until(() -> acme.waiting() == 1);
				assertThat(sessionsInTransaction(application)).isEqualTo(3);
				assertThat(fourth.bound()).isNotDone();
				write.release();
				assertThat(fourth.awaitBound().onReplica()).isTrue();
			}
		});
	}

	@Test
	void workOverTheQuotaFailsAfterTheWaitWithTenantQuotaExceeded() {
		runner.withPropertyValues("routing-pools.tenants.quota-wait-timeout=300ms").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			try (HeldTransactions held = new HeldTransactions(jdbc)) {
				for (int i = 0; i < 3; i++) {
					held.hold("acme", writeTransaction(context)).awaitBound();
				}
				assertThatThrownBy(() -> TenantScope.run("acme", () -> jdbc.execute("select 1"))).rootCause()
					.isInstanceOfSatisfying(TenantQuotaExceededException.class, (ex) -> {
						assertThat(ex.getSQLState()).isEqualTo("53300");
						assertThat(ex.getTenant()).isEqualTo("acme");
						assertThat(ex.getQuota()).isEqualTo(3);
						assertThat(ex.getUsage()).isEqualTo(3);
						assertThat(ex.getMessage()).contains("'acme'", "quota of 3", "(3 in use)");
					});
			}
		});
	}

	@Test
	void otherTenantsGetConnectionsWithoutWaitingWhileATenantIsAtItsQuota() {
		runner.withUserConfiguration(RecordedWaitsConfiguration.class).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate write = writeTransaction(context);
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			Tenant acme = context.getBean(Tenants.class).tenant("acme");
			RecordedWaits waits = context.getBean(RecordedWaits.class);
			try (HeldTransactions held = new HeldTransactions(jdbc)) {
				List<Held> acmeWork = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					acmeWork.add(held.hold("acme", write));
					acmeWork.get(i).awaitBound();
				}
				acmeWork.add(held.hold("acme", write));
				acmeWork.add(held.hold("acme", readOnly));
				Awaitility.await().until(() -> acme.waiting() == 2);
				// Per tenant, 3 threads of 10 transactions, every other one read-only.
				ExecutorService threads = Executors.newFixedThreadPool(6);
				try {
					List<CompletableFuture<Void>> others = new ArrayList<>();
					for (String tenant : List.of("globex", "initech")) {
						for (int thread = 0; thread < 3; thread++) {
							others.add(CompletableFuture.runAsync(() -> TenantScope.run(tenant, () -> {
								for (int i = 0; i < 10; i++) {
									((i % 2 == 0) ? write : readOnly)
										.executeWithoutResult((status) -> jdbc.execute("select 1"));
								}
							}), threads));
						}
					}
					CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				}
				finally {
					threads.shutdown();
				}
				assertThat(acme.usage()).isEqualTo(3);
				assertThat(acme.waiting()).isEqualTo(2);
				assertThat(acmeWork).noneMatch((work) -> work.ended().isDone());
				assertThat(waits.of("globex")).hasSize(30).containsOnly(0L);
				assertThat(waits.of("initech")).hasSize(30).containsOnly(0L);
				assertThat(waits.rejected()).isZero();
			}
		});
	}

	@Test
	void workWithoutATenantIsNotLimitedByTheDefaultQuota() {
		String application = uniqueApplicationName();
		runner
			.withPropertyValues(applicationName(application), "routing-pools.tenants.default-quota=1",
					"routing-pools.tenants.quota-wait-timeout=100ms")
			.run((context) -> {
				try (HeldTransactions held = new HeldTransactions(context.getBean(JdbcTemplate.class))) {
					for (int i = 0; i < 5; i++) {
						held.hold(null, writeTransaction(context)).awaitBound();
					}
					assertThat(sessionsInTransaction(application)).isEqualTo(5);
				}
			});
	}

	@Test
	void tenantWorkNamedToTheAdminPoolIsNeitherCountedNorRefusedAtTheQuota() {
		runner.withPropertyValues("routing-pools.tenants.quota-wait-timeout=100ms").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Tenant acme = context.getBean(Tenants.class).tenant("acme");
			try (HeldTransactions held = new HeldTransactions(jdbc)) {
				for (int i = 0; i < 3; i++) {
					held.hold("acme", writeTransaction(context)).awaitBound();
				}
				ServedBy servedBy = TenantScope.call("acme",
						() -> PoolRouting.using("admin", () -> writeTransaction(context).execute((status) -> {
							ServedBy bound = ServedBy.query(jdbc);
							assertThat(acme.usage()).isEqualTo(3);
							return bound;
						})));
				assertThat(servedBy.pool()).isEqualTo("admin");
			}
		});
	}

	/**
	 * Run {@code work} on 20 threads at once for the tenant {@code acme}, sampling the
	 * primary's active sessions of the application until all are done.
	 */
	private static int mostActiveWhile(String application, Runnable work) throws Exception {
		AtomicInteger mostActive = new AtomicInteger();
		List<Throwable> samplingFailures = new CopyOnWriteArrayList<>();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		ExecutorService threads = Executors.newFixedThreadPool(20);
		try (Connection connection = cluster.primary().connect();
				PreparedStatement active = connection.prepareStatement(
						"select count(*) from pg_stat_activity where state = 'active' and application_name = ?")) {
			active.setString(1, application);
			// Paces the sampler only: nothing waits for a sample.
			ScheduledFuture<?> sampling = sampler.scheduleWithFixedDelay(() -> {
				try (ResultSet rs = active.executeQuery()) {
					rs.next();
					mostActive.accumulateAndGet(rs.getInt(1), Math::max);
				}
				catch (SQLException | RuntimeException ex) {
					samplingFailures.add(ex);
				}
			}, 0, 2, TimeUnit.MILLISECONDS);
			CountDownLatch start = new CountDownLatch(1);
			List<CompletableFuture<Void>> runs = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				runs.add(CompletableFuture.runAsync(() -> {
					awaitStart(start);
					TenantScope.run("acme", work);
				}, threads));
			}
			start.countDown();
			CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			sampling.cancel(false);
			sampler.shutdown();
			assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			sampler.shutdownNow();
			threads.shutdown();
		}
		assertThat(samplingFailures).isEmpty();
		return mostActive.get();
	}

	private static void awaitStart(CountDownLatch start) {
		try {
			start.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sessions of the application in a transaction, on the primary and every replica:
	 * held transactions that bound, whether or not a statement is running.
	 */
	private static int sessionsInTransaction(String application) throws SQLException {
		int sessions = 0;
		List<PostgresNode> nodes = new ArrayList<>();
		nodes.add(cluster.primary());
		nodes.addAll(cluster.replicas());
		for (PostgresNode node : nodes) {
			try (Connection connection = node.connect();
					PreparedStatement statement = connection.prepareStatement("select count(*) from pg_stat_activity "
							+ "where state in ('idle in transaction', 'active') and application_name = ?")) {
				statement.setString(1, application);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					sessions += rs.getInt(1);
				}
			}
		}
		return sessions;
	}

	private static TransactionTemplate writeTransaction(AssertableApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private static String uniqueApplicationName() {
		return "quota-tests-" + applications.incrementAndGet();
	}

	private static String applicationName(String application) {
		return "routing-pools.defaults.data-source-properties.ApplicationName=" + application;
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordedWaitsConfiguration {

		@Bean
		RecordedWaits recordedWaits() {
			return new RecordedWaits();
		}

	}

	/**
	 * Records each slot a tenant took and how long it waited for it, and counts refusals.
	 */
	static class RecordedWaits implements TenantEvents {

		private final Map<String, List<Long>> waits = new ConcurrentHashMap<>();

		private final AtomicInteger rejected = new AtomicInteger();

		List<Long> of(String tenant) {
			return this.waits.getOrDefault(tenant, List.of());
		}

		int rejected() {
			return this.rejected.get();
		}

		@Override
		public void acquired(Tenant tenant, long waitedNanos) {
			this.waits.computeIfAbsent(tenant.id(), (id) -> new CopyOnWriteArrayList<>()).add(waitedNanos);
		}

		@Override
		public void rejected(Tenant tenant, long waitedNanos) {
			this.rejected.incrementAndGet();
		}

	}

}
