package io.routingpools.pool;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.HeldTransactions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Admission control ({@code max-waiting}) under load on the embedded primary: a pool of 2
 * connections, both held, lets 3 callers wait for a connection and fails the others at
 * once (SQLSTATE 53300, naming the pool), long before its 30 s connection timeout.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class MaxWaitingOnClusterTests {

	private static ApplicationContextRunner runner;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@BeforeAll
	static void configure(EmbeddedPostgresCluster cluster) {
		runner = ClusterApplications.jdbc(cluster, "routing-pools.primary.maximum-pool-size=2",
				"routing-pools.primary.max-waiting=3", "routing-pools.primary.connection-timeout=30s");
	}

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.threads.shutdown();
		assertThat(this.threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aCallerBeyondMaxWaitingFailsFastNamingThePoolWhileTheWaitersKeepWaiting() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			HikariPoolMXBean primary = context.getBean("routingPools.primary", HikariDataSource.class)
				.getHikariPoolMXBean();
			try (HeldTransactions held = new HeldTransactions(jdbc)) {
				List<HeldTransactions.Held> holders = List.of(held.hold(null, transaction(context)),
						held.hold(null, transaction(context)));
				holders.forEach(HeldTransactions.Held::awaitBound);
				List<CompletableFuture<Integer>> waiters = new ArrayList<>();
				for (int i = 1; i <= 3; i++) {
					waiters.add(selectOne(jdbc));
					int waiting = i;
					Awaitility.await().until(() -> primary.getThreadsAwaitingConnection() == waiting);
				}
				long start = System.nanoTime();
				assertThatThrownBy(() -> jdbc.queryForObject("select 1", Integer.class)).rootCause()
					.isInstanceOfSatisfying(SQLTransientConnectionException.class, (ex) -> {
						assertThat(ex.getSQLState()).isEqualTo("53300");
						assertThat(ex.getMessage()).contains("Pool 'primary'", "max-waiting=3");
					});
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				assertThat(waiters).noneMatch(CompletableFuture::isDone);
				holders.forEach(HeldTransactions.Held::release);
				for (CompletableFuture<Integer> waiter : waiters) {
					assertThat(waiter.get(30, TimeUnit.SECONDS)).isOne();
				}
			}
		});
	}

	@Test
	void aBurstOfCallersOnAnExhaustedPoolLetsOnlyMaxWaitingWaitAndFailsTheRest() {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			HikariPoolMXBean primary = context.getBean("routingPools.primary", HikariDataSource.class)
				.getHikariPoolMXBean();
			try (HeldTransactions held = new HeldTransactions(jdbc)) {
				List<HeldTransactions.Held> holders = List.of(held.hold(null, transaction(context)),
						held.hold(null, transaction(context)));
				holders.forEach(HeldTransactions.Held::awaitBound);
				// Callers that arrive together: when admission read HikariCP's waiter
				// count,
				// several could pass before any was counted (4 waiters in about 1 run in
				// 10).
				CountDownLatch start = new CountDownLatch(1);
				List<CompletableFuture<Integer>> callers = new ArrayList<>();
				for (int i = 0; i < 30; i++) {
					callers.add(CompletableFuture.supplyAsync(() -> {
						awaitStart(start);
						return jdbc.queryForObject("select 1", Integer.class);
					}, this.threads));
				}
				start.countDown();
				Awaitility.await()
					.until(() -> failed(callers).size() + primary.getThreadsAwaitingConnection() == callers.size());
				assertThat(primary.getThreadsAwaitingConnection()).isEqualTo(3);
				assertThat(failed(callers)).hasSize(27)
					.allSatisfy((failure) -> assertThat(failure).isInstanceOfSatisfying(
							SQLTransientConnectionException.class,
							(ex) -> assertThat(ex.getSQLState()).isEqualTo("53300")));
				holders.forEach(HeldTransactions.Held::release);
				Awaitility.await().until(() -> callers.stream().allMatch(CompletableFuture::isDone));
				assertThat(callers.stream().filter((caller) -> !caller.isCompletedExceptionally())).hasSize(3)
					.allSatisfy((caller) -> assertThat(caller.get()).isOne());
			}
		});
	}

	private CompletableFuture<Integer> selectOne(JdbcTemplate jdbc) {
		return CompletableFuture.supplyAsync(() -> jdbc.queryForObject("select 1", Integer.class), this.threads);
	}

	/**
	 * The root causes of the callers that failed so far.
	 */
	private static List<Throwable> failed(List<CompletableFuture<Integer>> callers) {
		List<Throwable> failed = new ArrayList<>();
		for (CompletableFuture<Integer> caller : callers) {
			if (caller.isCompletedExceptionally()) {
				try {
					caller.join();
				}
				catch (CompletionException ex) {
					failed.add(NestedExceptionUtils.getRootCause(ex));
				}
			}
		}
		return failed;
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

	private static TransactionTemplate transaction(AssertableApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

}
