package io.routingpools.tenant;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.routingpools.pool.NamedPool;
import org.jspecify.annotations.Nullable;

/**
 * One tenant: its quota of connections on the shared pools (primary and replicas), how
 * many it holds, and its dedicated pool if it has one. Work over the quota waits first
 * come, first served (a fair semaphore per tenant, so a tenant at its quota never delays
 * another's), up to {@code quota-wait-timeout}. Thread-safe.
 */
public final class Tenant {

	/** Stands for "no limit": the semaphore of a tenant with quota 0 has this many. */
	private static final int UNLIMITED_PERMITS = Integer.MAX_VALUE / 2;

	private final String id;

	private final boolean configured;

	private final @Nullable NamedPool dedicatedPool;

	private final long waitTimeoutNanos;

	private final TenantEvents events;

	private final QuotaSemaphore slots;

	// 0: no limit.
	private volatile int quota;

	Tenant(String id, boolean configured, int quota, @Nullable NamedPool dedicatedPool, long waitTimeoutNanos,
			TenantEvents events) {
		this.id = id;
		this.configured = configured;
		this.quota = quota;
		this.dedicatedPool = dedicatedPool;
		this.waitTimeoutNanos = waitTimeoutNanos;
		this.events = events;
		this.slots = new QuotaSemaphore(permits(quota));
	}

	public String id() {
		return this.id;
	}

	/**
	 * Whether the configuration names this tenant (a quota of its own or a dedicated
	 * pool).
	 * @return {@code true} for a configured tenant
	 */
	public boolean configured() {
		return this.configured;
	}

	/**
	 * The tenant's own pool, {@code tenant-<id>}, which serves all its work unless a pool
	 * is named explicitly.
	 * @return the pool, or {@code null} when the tenant uses the shared pools
	 */
	public @Nullable NamedPool dedicatedPool() {
		return this.dedicatedPool;
	}

	/**
	 * The connections the tenant may hold at once on the shared pools.
	 * @return the quota; 0 for no limit
	 */
	public int quota() {
		return this.quota;
	}

	/**
	 * The connections the tenant holds on the shared pools now: bindings of its work to
	 * the primary or a replica.
	 * @return the usage
	 */
	public int usage() {
		return Math.max(0, permits(this.quota) - this.slots.availablePermits());
	}

	/**
	 * Callers waiting for a slot of the tenant's quota now (an estimate, as
	 * {@link Semaphore#getQueueLength()}).
	 * @return the waiters
	 */
	public int waiting() {
		return this.slots.getQueueLength();
	}

	/**
	 * Take a slot of the quota for a binding to a shared pool, waiting first come, first
	 * served up to {@code quota-wait-timeout}. Give it back with {@link #release()} when
	 * the binding ends.
	 * @throws TenantQuotaExceededException (SQLSTATE 53300) if no slot was free in time
	 * @throws SQLException SQLSTATE 57014 if the thread was interrupted while waiting
	 */
	public void acquire() throws SQLException {
		if (this.slots.tryAcquire()) {
			this.events.acquired(this, 0);
			return;
		}
		long start = System.nanoTime();
		boolean acquired;
		try {
			acquired = this.slots.tryAcquire(this.waitTimeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLTransientConnectionException(
					"Interrupted while waiting for a connection slot of tenant '" + this.id + "'", "57014", ex);
		}
		long waited = System.nanoTime() - start;
		if (!acquired) {
			this.events.rejected(this, waited);
			throw new TenantQuotaExceededException(this.id, this.quota, usage(), TimeUnit.NANOSECONDS.toMillis(waited));
		}
		this.events.acquired(this, waited);
	}

	/**
	 * Give back a slot taken with {@link #acquire()}.
	 */
	public void release() {
		this.slots.release();
	}

	/**
	 * Change the quota; slots in use stay in use. A lower quota than the usage makes new
	 * work wait until the usage falls below it.
	 * @param quota the new quota, 0 for no limit
	 */
	synchronized void changeQuota(int quota) {
		int delta = permits(quota) - permits(this.quota);
		this.quota = quota;
		if (delta > 0) {
			this.slots.release(delta);
		}
		else if (delta < 0) {
			this.slots.reduce(-delta);
		}
	}

	private static int permits(int quota) {
		return (quota > 0) ? quota : UNLIMITED_PERMITS;
	}

	@Override
	public String toString() {
		return "tenant '" + this.id + "'";
	}

	/**
	 * A fair semaphore whose permits can be taken away for a lower quota. Note that
	 * {@code tryAcquire()} without a timeout barges: this class keeps FIFO by not barging
	 * when others wait.
	 */
	private static final class QuotaSemaphore extends Semaphore {

		private static final long serialVersionUID = 1L;

		QuotaSemaphore(int permits) {
			super(permits, true);
		}

		@Override
		public boolean tryAcquire() {
			return !hasQueuedThreads() && super.tryAcquire();
		}

		void reduce(int permits) {
			reducePermits(permits);
		}

	}

}
