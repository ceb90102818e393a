package io.routingpools.actuate;

import java.util.concurrent.atomic.LongAdder;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.FailoverEvents;
import org.jspecify.annotations.Nullable;

/**
 * Counts failovers by pool and cause, and hot-standby cancellations by pool, for the
 * {@code routingpools.failovers} and {@code routingpools.standby.cancellations} meters
 * ({@link RoutingPoolsMeters}). Counting starts at once, so events before a meter
 * registry binds are not lost. Lock-free: one {@link LongAdder} per pool and cause, in an
 * array indexed by {@link NamedPool#index()} and {@link FailoverCause#ordinal()}.
 */
public final class FailoverCounts implements FailoverEvents {

	private static final int CAUSES = FailoverCause.values().length;

	private final LongAdder[] failovers;

	private final LongAdder[] cancellations;

	/**
	 * Start every count at zero.
	 * @param pools the pools whose events are counted
	 */
	public FailoverCounts(NamedPools pools) {
		this.failovers = adders(pools.size() * CAUSES);
		this.cancellations = adders(pools.size());
	}

	private static LongAdder[] adders(int count) {
		LongAdder[] adders = new LongAdder[count];
		for (int i = 0; i < count; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	@Override
	public void failover(NamedPool pool, FailoverCause cause) {
		LongAdder adder = adder(this.failovers, pool.index() * CAUSES + cause.ordinal());
		if (adder != null) {
			adder.increment();
		}
	}

	@Override
	public void standbyCancellation(NamedPool replica) {
		LongAdder adder = adder(this.cancellations, replica.index());
		if (adder != null) {
			adder.increment();
		}
	}

	/**
	 * Failovers counted so far.
	 * @param pool the pool of the node work moved off
	 * @param cause why
	 * @return the count
	 */
	public long failovers(NamedPool pool, FailoverCause cause) {
		LongAdder adder = adder(this.failovers, pool.index() * CAUSES + cause.ordinal());
		return (adder != null) ? adder.sum() : 0;
	}

	/**
	 * Hot-standby query cancellations counted so far.
	 * @param replica the replica's pool
	 * @return the count
	 */
	public long standbyCancellations(NamedPool replica) {
		LongAdder adder = adder(this.cancellations, replica.index());
		return (adder != null) ? adder.sum() : 0;
	}

	// A pool of another registry is not counted rather than thrown at: callers are
	// request threads and the monitor, which must not fail because of a meter.
	private static @Nullable LongAdder adder(LongAdder[] adders, int index) {
		return (index >= 0 && index < adders.length) ? adders[index] : null;
	}

}
