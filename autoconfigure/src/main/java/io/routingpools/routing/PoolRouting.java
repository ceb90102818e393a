package io.routingpools.routing;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Routes a block of code to a named pool: the programmatic form of {@link UsePool}. The
 * route applies to connections bound on the current thread while the block runs.
 *
 * <pre class="code">
 * int migrated = PoolRouting.using("admin", () -&gt; jdbcClient.sql("...").update());
 * </pre>
 */
public final class PoolRouting {

	private static final ThreadLocal<@Nullable String> CURRENT = new ThreadLocal<>();

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
		String previous = enter(pool);
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
		String previous = enter(pool);
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
		String previous = enter(pool);
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
		return used ? CURRENT.get() : null;
	}

	static @Nullable String enter(String pool) {
		if (pool == null || pool.isBlank()) {
			throw new IllegalArgumentException("Pool name must not be empty");
		}
		if (!used) {
			used = true;
		}
		String previous = CURRENT.get();
		CURRENT.set(pool);
		return previous;
	}

	static void restore(@Nullable String previous) {
		if (previous == null) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(previous);
		}
	}

}
