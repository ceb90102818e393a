package io.routingpools.replica;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

import io.routingpools.pool.NamedPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Replicas found unreachable on the request path (a failed acquisition, a connection lost
 * under a statement), passed over for a short while. Lock-free: a mark is one slot of an
 * array indexed by {@link NamedPool#index()}, and the clock is read only while some mark
 * is set.
 */
public final class SuspectReplicas {

	/** How long a replica stays suspect unless told otherwise. */
	public static final Duration DEFAULT_SUSPECT_TIME = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(SuspectReplicas.class);

	private final long suspectNanos;

	private final LongSupplier nanoClock;

	// nanoTime until which each pool is passed over; 0 when it is not suspect
	private final AtomicLongArray suspectUntil;

	/**
	 * Track suspects among pools with indexes below {@code poolCount}, for
	 * {@link #DEFAULT_SUSPECT_TIME}, on {@link System#nanoTime()}.
	 * @param poolCount the number of pools
	 */
	public SuspectReplicas(int poolCount) {
		this(poolCount, DEFAULT_SUSPECT_TIME, System::nanoTime);
	}

	/**
	 * Track suspects with a given suspect time and clock.
	 * @param poolCount the number of pools
	 * @param suspectTime how long a mark lasts
	 * @param nanoClock a monotonic clock in nanoseconds, like {@link System#nanoTime()}
	 */
	public SuspectReplicas(int poolCount, Duration suspectTime, LongSupplier nanoClock) {
		this.suspectUntil = new AtomicLongArray(poolCount);
		this.suspectNanos = suspectTime.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * How long a mark lasts.
	 * @return the suspect time
	 */
	public Duration suspectTime() {
		return Duration.ofNanos(this.suspectNanos);
	}

	/**
	 * Whether the replica is passed over now. An expired mark is cleared.
	 * @param replica a replica pool
	 * @return {@code true} while its mark lasts
	 */
	public boolean isSuspect(NamedPool replica) {
		long until = this.suspectUntil.get(replica.index());
		if (until == 0) {
			return false;
		}
		if (this.nanoClock.getAsLong() - until < 0) {
			return true;
		}
		this.suspectUntil.compareAndSet(replica.index(), until, 0);
		return false;
	}

	/**
	 * Pass the replica over for the suspect time, from now. Logs a warning when it was
	 * not suspect already.
	 * @param replica the replica pool
	 * @param what what went wrong, completing "Replica pool 'x' ..."
	 * @param cause the error seen
	 * @return whether the replica was not suspect before
	 */
	public boolean markSuspect(NamedPool replica, String what, SQLException cause) {
		long now = this.nanoClock.getAsLong();
		long until = now + this.suspectNanos;
		long previous = this.suspectUntil.getAndSet(replica.index(), (until != 0) ? until : 1);
		boolean newlySuspect = previous == 0 || previous - now < 0;
		if (newlySuspect) {
			logger.warn("Replica pool '" + replica.name() + "' " + what + " (" + cause.getMessage()
					+ "); reads skip it for " + suspectTime().toMillis() + " ms");
		}
		return newlySuspect;
	}

	/**
	 * A statement on a connection of the replica lost its connection: the replica, not
	 * just the connection, is likely gone. It is passed over, and its idle connections,
	 * probably broken by the same cause, are evicted so that they are not lent again.
	 * @param replica the replica pool
	 * @param cause the error, a {@linkplain io.routingpools.pool.LostConnections lost
	 * connection}
	 * @return whether the replica was not suspect before
	 */
	public boolean connectionLost(NamedPool replica, SQLException cause) {
		if (markSuspect(replica, "lost a connection", cause)) {
			replica.dataSource().getHikariPoolMXBean().softEvictConnections();
			return true;
		}
		return false;
	}

}
