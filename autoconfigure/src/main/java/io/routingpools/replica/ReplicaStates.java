package io.routingpools.replica;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
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

	// Replayed WAL positions, read by every read that follows a write: kept apart from
	// the statuses so that the on-demand checks of reads can move them forward too.
	private final AtomicLongArray replayPositions;

	private volatile PrimaryStatus primary = PrimaryStatus.NOT_CHECKED_YET;

	private volatile @Nullable ClusterIdentity identity;

	private volatile long primaryPosition;

	private volatile long primarySampledAtMillis;

	/**
	 * Start every replica as {@linkplain ReplicaStatus#notCheckedYet not checked yet}.
	 * @param pools the pools; only replicas get a state
	 * @param clock the wall clock for {@link ReplicaStatus#since()}
	 */
	public ReplicaStates(NamedPools pools, Clock clock) {
		this.pools = pools;
		this.statuses = new AtomicReferenceArray<>(pools.size());
		this.replayPositions = new AtomicLongArray(pools.size());
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
	 * The WAL position a replica has replayed, as last seen by the monitor or by a read
	 * that asked the replica itself.
	 * @param replica a replica pool
	 * @return a byte position ({@code pg_last_wal_replay_lsn()}), or {@code 0} when not
	 * known
	 */
	public long replayPosition(NamedPool replica) {
		return this.replayPositions.get(replica.index());
	}

	/**
	 * A read saw the replica at this replayed position: later reads need not ask again
	 * for a position up to it. Only moves the known position forward.
	 * @param replica a replica pool
	 * @param position a byte position from {@code pg_last_wal_replay_lsn()}
	 */
	public void replayedAtLeast(NamedPool replica, long position) {
		int index = replica.index();
		long known = this.replayPositions.get(index);
		while (position > known && !this.replayPositions.compareAndSet(index, known, position)) {
			known = this.replayPositions.get(index);
		}
	}

	// The monitor's own check is the truth, even backwards (a replica rebuilt).
	void replayed(NamedPool replica, long position) {
		this.replayPositions.set(replica.index(), position);
	}

	/**
	 * The primary's latest WAL position the monitor sampled
	 * ({@code pg_current_wal_lsn()}).
	 * @return a byte position, or {@code 0} before the first sample
	 */
	public long primaryPosition() {
		return this.primaryPosition;
	}

	/**
	 * When {@link #primaryPosition()} was sampled.
	 * @return milliseconds since the epoch, or {@code 0} before the first sample
	 */
	public long primarySampledAtMillis() {
		return this.primarySampledAtMillis;
	}

	void sampledPrimary(long position, long atMillis) {
		this.primaryPosition = position;
		this.primarySampledAtMillis = atMillis;
	}

	/**
	 * The primary's cluster identity, once the monitor or a recorded token has read it.
	 * @return the identity, or {@code null} before
	 */
	public @Nullable ClusterIdentity identity() {
		return this.identity;
	}

	/**
	 * Keep the identity read from the primary.
	 * @param identity what {@link ClusterIdentity#read} found
	 */
	public void identify(ClusterIdentity identity) {
		this.identity = identity;
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
