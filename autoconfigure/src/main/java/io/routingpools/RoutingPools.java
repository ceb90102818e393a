package io.routingpools;

import java.util.List;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.ReplicaMonitor;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.ReplicaStatus;

/**
 * Operator actions in code (DESIGN section 10): the pools, the replicas' states, and
 * draining a replica out of rotation and back.
 */
public final class RoutingPools {

	private final NamedPools pools;

	private final ReplicaStates states;

	private final ReplicaMonitor monitor;

	/**
	 * Create the operator API over started pools and their monitor.
	 * @param pools the pools
	 * @param states the replicas' states
	 * @param monitor the monitor that owns the states
	 */
	public RoutingPools(NamedPools pools, ReplicaStates states, ReplicaMonitor monitor) {
		this.pools = pools;
		this.states = states;
		this.monitor = monitor;
	}

	/**
	 * The pools: primary, replicas, admin.
	 * @return the pools
	 */
	public NamedPools pools() {
		return this.pools;
	}

	/**
	 * The current status of every replica, in declaration order.
	 * @return a snapshot
	 */
	public List<ReplicaStatus> replicas() {
		return this.states.all();
	}

	/**
	 * The current status of one replica.
	 * @param name the replica's pool name
	 * @return its status
	 * @throws IllegalArgumentException if no replica has that name
	 */
	public ReplicaStatus replica(String name) {
		return this.states.status(replica(name, "look up"));
	}

	/**
	 * Take a replica out of rotation: new read-only work goes to the other replicas (or
	 * the primary under the fallback rules), work in progress finishes. The monitor keeps
	 * checking it; it stays drained until {@link #undrain(String)}.
	 * @param name the replica's pool name
	 * @return its status after
	 * @throws IllegalArgumentException if no replica has that name
	 */
	public ReplicaStatus drain(String name) {
		return this.monitor.drain(replica(name, "drain"));
	}

	/**
	 * Give a drained replica back to rotation: at once if its latest check passed caught
	 * up, otherwise in the state that check found, until the monitor brings it back.
	 * @param name the replica's pool name
	 * @return its status after
	 * @throws IllegalArgumentException if no replica has that name
	 */
	public ReplicaStatus undrain(String name) {
		return this.monitor.undrain(replica(name, "undrain"));
	}

	private NamedPool replica(String name, String action) {
		NamedPool pool = this.pools.find(name);
		if (pool == null || pool.role() != PoolRole.REPLICA) {
			throw new IllegalArgumentException("Cannot " + action + " '" + name
					+ "': it is not a replica pool; the replicas are " + this.pools.replicas());
		}
		return pool;
	}

}
