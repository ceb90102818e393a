package io.routingpools.tenant;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * The tenant that work runs for (DESIGN section 7), on the current thread. The web filter
 * sets it for each request from the {@link TenantResolver}; code outside a request sets
 * it with {@link #run(String, Runnable)} or {@link #call(String, Callable)}. Spring's
 * {@code @Async} executors and MVC async processing carry it to the threads they hand
 * work to ({@code TenantTaskDecorator}), as Micrometer's context propagation does.
 * <p>
 * Each logical connection takes the tenant in effect when it binds to a pool: its quota,
 * its dedicated pool and the session variable follow from it.
 */
public final class TenantScope {

	private static final ThreadLocal<@Nullable String> CURRENT = new ThreadLocal<>();

	// Whether any thread ever entered a tenant: until then current() is a plain read, not
	// a thread-local lookup, for applications (and work) without tenants. The routing
	// layer asks for the current tenant at each binding and statement.
	private static volatile boolean entered;

	private TenantScope() {
	}

	/**
	 * Run work for a tenant.
	 * @param tenantId the tenant's id
	 * @param work the work
	 * @throws InvalidTenantIdException if the id is not valid ({@link TenantIds}), before
	 * the work runs
	 */
	public static void run(String tenantId, Runnable work) {
		@Nullable String previous = enter(TenantIds.require(tenantId));
		try {
			work.run();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Call work for a tenant; see {@link #run(String, Runnable)}.
	 * @param tenantId the tenant's id
	 * @param work the work
	 * @param <T> the result type
	 * @return what {@code work} returned
	 * @throws InvalidTenantIdException if the id is not valid, before the work runs
	 * @throws Exception what {@code work} threw
	 */
	public static <T> T call(String tenantId, Callable<T> work) throws Exception {
		@Nullable String previous = enter(TenantIds.require(tenantId));
		try {
			return work.call();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * The tenant of the current thread's work.
	 * @return the tenant id, or {@code null} for work without a tenant
	 */
	public static @Nullable String current() {
		return entered ? CURRENT.get() : null;
	}

	/**
	 * Make a tenant current on this thread, for code that carries it across threads. Pair
	 * it with {@link #restore(String)} in a {@code finally} block.
	 * @param tenantId a valid tenant id, or {@code null} for none
	 * @return the tenant that was current before
	 * @throws InvalidTenantIdException if the id is not valid
	 */
	public static @Nullable String enter(@Nullable String tenantId) {
		@Nullable String previous = current();
		if (tenantId == null) {
			if (previous != null) {
				CURRENT.remove();
			}
		}
		else {
			CURRENT.set(TenantIds.require(tenantId));
			if (!entered) {
				entered = true;
			}
		}
		return previous;
	}

	/**
	 * Make the tenant that {@link #enter(String)} returned current again.
	 * @param previous that tenant, or {@code null} for none
	 */
	public static void restore(@Nullable String previous) {
		if (previous == null) {
			if (entered) {
				CURRENT.remove();
			}
		}
		else {
			CURRENT.set(previous);
		}
	}

}
