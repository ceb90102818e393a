package io.routingpools.routing;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Routes a block of code to a named pool: the programmatic form of {@link UsePool}. The
 * route applies to connections bound on the current thread while the block runs.
 *
 * <pre class="code">
 * int migrated = PoolRouting.using("admin", () -&gt; jdbcClient.sql("...").update());
 * </pre>
 */
public final class PoolRouting {

	private static final ThreadLocal<@Nullable Scope> CURRENT = new ThreadLocal<>();

	// Set once a route is first named, before any thread's route is: until then no thread
	// has one, and the routing of each connection skips the thread-local lookup.
	private static volatile boolean used;

	private PoolRouting() {
	}

	/**
	 * Run {@code work} with connections routed to {@code pool}.
	 * @param pool the pool name
	 * @param work the work
	 * @param <T> the result type
	 * @return what {@code work} returned
	 */
	public static <T> T using(String pool, Supplier<T> work) {
		Scope previous = enter(pool);
		try {
			return work.get();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Run {@code work} with connections routed to {@code pool}.
	 * @param pool the pool name
	 * @param work the work
	 */
	public static void run(String pool, Runnable work) {
		Scope previous = enter(pool);
		try {
			work.run();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Call {@code work} with connections routed to {@code pool}.
	 * @param pool the pool name
	 * @param work the work
	 * @param <T> the result type
	 * @return what {@code work} returned
	 * @throws Exception what {@code work} threw
	 */
	public static <T> T call(String pool, Callable<T> work) throws Exception {
		Scope previous = enter(pool);
		try {
			return work.call();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * The pool named for the current thread, if any.
	 * @return the pool name, or {@code null} when routing is automatic
	 */
	public static @Nullable String currentPool() {
		if (!used) {
			return null;
		}
		Scope scope = CURRENT.get();
		return (scope != null) ? scope.pool() : null;
	}

	/**
	 * The pool named for a transaction that begins on a connection now. When Spring's
	 * transaction is already active, it began before the connection was first used (a
	 * lazily acquired connection): the routes named inside that transaction do not apply
	 * to it, only the innermost one named outside any transaction.
	 * @return the pool name, or {@code null} when routing is automatic
	 */
	static @Nullable String poolForTransactionBeginning() {
		if (!used) {
			return null;
		}
		Scope scope = CURRENT.get();
		if (scope == null || !TransactionSynchronizationManager.isActualTransactionActive()) {
			return (scope != null) ? scope.pool() : null;
		}
		while (scope != null && scope.insideTransaction()) {
			scope = scope.outer();
		}
		return (scope != null) ? scope.pool() : null;
	}

	static @Nullable Scope enter(String pool) {
		if (pool == null || pool.isBlank()) {
			throw new IllegalArgumentException("Pool name must not be empty");
		}
		if (!used) {
			used = true;
		}
		Scope previous = CURRENT.get();
		CURRENT.set(new Scope(pool, TransactionSynchronizationManager.isActualTransactionActive(), previous));
		return previous;
	}

	static void restore(@Nullable Scope previous) {
		if (previous == null) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(previous);
		}
	}

	/**
	 * A named route on the current thread.
	 *
	 * @param pool the pool name
	 * @param insideTransaction whether Spring's transaction was active when it was named
	 * @param outer the route it is nested in
	 */
	record Scope(String pool, boolean insideTransaction, @Nullable Scope outer) {
	}

}
