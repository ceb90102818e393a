package io.routingpools.replica;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import org.jspecify.annotations.Nullable;

/**
 * What the replica monitor last found: the current {@link ReplicaStatus} of every
 * replica, read on the connection hot path, and the {@link PrimaryStatus} of the primary.
 * Lock-free: one slot per pool, indexed by {@link NamedPool#index()}.
 */
public final class ReplicaStates {

	private final NamedPools pools;

	private final AtomicReferenceArray<@Nullable ReplicaStatus> statuses;

	private volatile PrimaryStatus primary = PrimaryStatus.NOT_CHECKED_YET;

	/**
	 * Start every replica as {@linkplain ReplicaStatus#notCheckedYet not checked yet}.
	 * @param pools the pools; only replicas get a state
	 * @param clock the wall clock for {@link ReplicaStatus#since()}
	 */
	public ReplicaStates(NamedPools pools, Clock clock) {
		this.pools = pools;
		this.statuses = new AtomicReferenceArray<>(pools.size());
		for (NamedPool replica : pools.replicas()) {
			this.statuses.set(replica.index(), ReplicaStatus.notCheckedYet(replica.name(), clock.instant()));
		}
	}

	/**
	 * Whether read-only work may be routed to the replica now.
	 * @param replica a replica pool
	 * @return whether its state is {@link ReplicaState#UP}
	 */
	public boolean servesReads(NamedPool replica) {
		ReplicaStatus status = this.statuses.get(replica.index());
		return status != null && status.state().servesReads();
	}

	/**
	 * The current status of a replica.
	 * @param replica a replica pool
	 * @return its status
	 * @throws IllegalArgumentException if the pool is not a replica
	 */
	public ReplicaStatus status(NamedPool replica) {
		ReplicaStatus status = this.statuses.get(replica.index());
		if (status == null || replica.role() != PoolRole.REPLICA) {
			throw new IllegalArgumentException(
					"Pool '" + replica.name() + "' is not a replica; the replicas are " + this.pools.replicas());
		}
		return status;
	}

	/**
	 * The current status of every replica, in declaration order.
	 * @return a snapshot
	 */
	public List<ReplicaStatus> all() {
		List<ReplicaStatus> all = new ArrayList<>();
		for (NamedPool replica : this.pools.replicas()) {
			all.add(status(replica));
		}
		return all;
	}

	/**
	 * What the monitor last found of the primary.
	 * @return the primary's status
	 */
	public PrimaryStatus primary() {
		return this.primary;
	}

	void setPrimary(PrimaryStatus primary) {
		this.primary = primary;
	}

	/**
	 * Replace a replica's status.
	 * @param replica the replica pool
	 * @param status its new status
	 * @return the status it replaced
	 */
	ReplicaStatus set(NamedPool replica, ReplicaStatus status) {
		ReplicaStatus previous = this.statuses.getAndSet(replica.index(), status);
		return (previous != null) ? previous : status;
	}

}
