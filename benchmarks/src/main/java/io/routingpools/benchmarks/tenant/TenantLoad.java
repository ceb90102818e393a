package io.routingpools.benchmarks.tenant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.routingpools.benchmarks.failover.Samples;
import io.routingpools.tenant.TenantQuotaExceededException;
import io.routingpools.tenant.TenantScope;

/**
 * One phase of the tenant fairness harness: closed-loop threads, a number per tenant, run
 * units of work through one {@link DataSource} for a fixed time. A unit, in
 * {@link TenantScope#run(String, Runnable)} for its tenant: {@code getConnection()},
 * {@code setAutoCommit(false)}, {@code select 1}, {@code select pg_sleep(0.01)},
 * {@code commit()}, {@code close()}; then the thread thinks for a uniformly random
 * {@value #THINK_MIN_MICROS}–{@value #THINK_MAX_MICROS} µs before the next. The
 * <em>acquisition time</em> of a unit runs from the call to {@code getConnection()} to
 * the end of {@code select 1}: through the starter that holds the wait for a slot of the
 * tenant's quota and the pool borrow (the logical connection binds at its first
 * statement), through plain HikariCP the pool borrow; in both, one round trip.
 */
final class TenantLoad {

	/** What holds the connection after the first statement: 10 ms, without server CPU. */
	static final String HOLD = "select pg_sleep(0.01)";

	static final int THINK_MIN_MICROS = 0;

	static final int THINK_MAX_MICROS = 10_000;

	private TenantLoad() {
	}

	/**
	 * Run the load and wait for every thread to end.
	 * @param dataSource where the work gets its connections
	 * @param threadsByTenant how many threads each tenant runs, in report order
	 * @param length how long
	 * @return what each tenant measured, in the same order
	 */
	static Map<String, TenantResult> run(DataSource dataSource, Map<String, Integer> threadsByTenant, Duration length)
			throws InterruptedException {
		long start = System.nanoTime();
		long end = start + length.toNanos();
		Map<String, TenantResult> results = new LinkedHashMap<>();
		List<Thread> threads = new ArrayList<>();
		threadsByTenant.forEach((tenant, count) -> {
			TenantResult result = new TenantResult();
			results.put(tenant, result);
			for (int i = 0; i < count; i++) {
				Thread thread = new Thread(() -> {
					Worker worker = new Worker(dataSource);
					while (System.nanoTime() < end) {
						TenantScope.run(tenant, worker::unit);
						LockSupport.parkNanos(TimeUnit.MICROSECONDS
							.toNanos(ThreadLocalRandom.current().nextLong(THINK_MIN_MICROS, THINK_MAX_MICROS)));
					}
					result.add(worker);
				}, tenant + "-" + i);
				threads.add(thread);
			}
		});
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		results.values().forEach((result) -> result.seconds = seconds);
		return results;
	}

	/** One thread's units and what they measured. */
	private static final class Worker {

		private final DataSource dataSource;

		final Samples acquisitions = new Samples();

		long transactions;

		long rejections;

		long timeouts;

		long errors;

		Worker(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		void unit() {
			long start = System.nanoTime();
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					try (ResultSet row = statement.executeQuery("select 1")) {
						row.next();
					}
					this.acquisitions.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
					try (ResultSet row = statement.executeQuery(HOLD)) {
						row.next();
					}
				}
				connection.commit();
				this.transactions++;
			}
			catch (TenantQuotaExceededException ex) {
				this.rejections++;
			}
			catch (SQLTransientConnectionException ex) {
				// HikariCP's connection-timeout, or the starter's max-waiting.
				this.timeouts++;
			}
			catch (SQLException ex) {
				this.errors++;
				System.err.println("  " + TenantScope.current() + ": " + ex);
			}
		}

	}

	/** What one tenant's threads measured in one phase. */
	static final class TenantResult {

		final Samples acquisitions = new Samples();

		long transactions;

		long rejections;

		long timeouts;

		long errors;

		double seconds;

		private synchronized void add(Worker worker) {
			this.acquisitions.addAll(worker.acquisitions);
			this.transactions += worker.transactions;
			this.rejections += worker.rejections;
			this.timeouts += worker.timeouts;
			this.errors += worker.errors;
		}

		/**
		 * Add what another phase of the same tenant measured, for figures over all
		 * rounds.
		 * @param other the other phase's result
		 */
		void addAll(TenantResult other) {
			this.acquisitions.addAll(other.acquisitions);
			this.transactions += other.transactions;
			this.rejections += other.rejections;
			this.timeouts += other.timeouts;
			this.errors += other.errors;
			this.seconds += other.seconds;
		}

		/** Units that did not commit: rejections, timeouts and other errors. */
		long failures() {
			return this.rejections + this.timeouts + this.errors;
		}

		/** Committed units per second. */
		double throughput() {
			return (this.seconds > 0) ? this.transactions / this.seconds : 0;
		}

	}

}
