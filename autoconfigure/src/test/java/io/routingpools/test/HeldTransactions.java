package io.routingpools.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.routingpools.tenant.TenantScope;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions that each bind a connection and keep it until released, every one on a
 * thread of its own, to exhaust pools and quotas without timing assumptions. Close it to
 * release what is still held and end the threads.
 */
public final class HeldTransactions implements AutoCloseable {

	/** Longest a test waits for a held transaction to bind or end. */
	public static final Duration PATIENCE = Duration.ofSeconds(20);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final JdbcTemplate jdbc;

	private final List<Held> held = new ArrayList<>();

	public HeldTransactions(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Begin a transaction on a thread of its own: it binds (by asking where it runs) and
	 * then waits for {@link Held#release()} before it commits.
	 * @param tenant the tenant the work runs for, or {@code null} for none
	 * @param transaction the template that runs it (read-only or not)
	 * @return the held transaction
	 */
	public synchronized Held hold(@Nullable String tenant, TransactionTemplate transaction) {
		CompletableFuture<ServedBy> bound = new CompletableFuture<>();
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
			String previous = TenantScope.enter(tenant);
			try {
				transaction.executeWithoutResult((status) -> {
					bound.complete(ServedBy.query(this.jdbc));
					await(release);
				});
			}
			catch (RuntimeException ex) {
				bound.completeExceptionally(ex);
				throw ex;
			}
			finally {
				TenantScope.restore(previous);
			}
		}, this.threads);
		Held transactionHeld = new Held(bound, release, ended);
		this.held.add(transactionHeld);
		return transactionHeld;
	}

	@Override
	public synchronized void close() {
		this.held.forEach(Held::release);
		this.threads.shutdown();
		try {
			if (!this.threads.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Held transactions did not end in " + PATIENCE);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static <T> T join(CompletableFuture<T> future) {
		try {
			return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Not released in " + PATIENCE);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One held transaction.
	 */
	public static final class Held {

		private final CompletableFuture<ServedBy> bound;

		private final CountDownLatch release;

		private final CompletableFuture<Void> ended;

		private Held(CompletableFuture<ServedBy> bound, CountDownLatch release, CompletableFuture<Void> ended) {
			this.bound = bound;
			this.release = release;
			this.ended = ended;
		}

		/**
		 * Completed with where the transaction runs once it has bound a connection.
		 * @return the binding
		 */
		public CompletableFuture<ServedBy> bound() {
			return this.bound;
		}

		/**
		 * Where the transaction runs, waiting until it bound.
		 * @return the binding
		 */
		public ServedBy awaitBound() {
			return join(this.bound);
		}

		/**
		 * Wait until the transaction committed.
		 * @throws IllegalStateException if it failed or did not end in time
		 */
		public void awaitEnded() {
			join(this.ended);
		}

		/**
		 * Completed when the transaction committed, exceptionally when it failed (also
		 * before it bound).
		 * @return the end of the transaction
		 */
		public CompletableFuture<Void> ended() {
			return this.ended;
		}

		/**
		 * Let the transaction commit.
		 */
		public void release() {
			this.release.countDown();
		}

	}

}
