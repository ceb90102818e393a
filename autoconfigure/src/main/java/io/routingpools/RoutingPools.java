package io.routingpools;

import java.util.List;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.ReplicaMonitor;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.ReplicaStatus;
import io.routingpools.tenant.InvalidTenantIdException;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.TenantIds;
import io.routingpools.tenant.Tenants;

/**
 * Operator actions in code (DESIGN section 10): the pools, the replicas' states, draining
 * a replica out of rotation and back, and the tenants with their quotas.
 */
public final class RoutingPools {

	private final NamedPools pools;

	private final ReplicaStates states;

	private final ReplicaMonitor monitor;

	private final Tenants tenants;

	/**
	 * Create the operator API over started pools, their monitor and the tenants.
	 * @param pools the pools
	 * @param states the replicas' states
	 * @param monitor the monitor that owns the states
	 * @param tenants the tenants, with their quotas
	 */
	public RoutingPools(NamedPools pools, ReplicaStates states, ReplicaMonitor monitor, Tenants tenants) {
		this.pools = pools;
		this.states = states;
		this.monitor = monitor;
		this.tenants = tenants;
	}

	/**
	 * The pools: primary, replicas, admin, dedicated tenant pools.
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

	/**
	 * The tenants: those the configuration names and those work has run for since
	 * startup, by id. Each {@link Tenant} shows its current quota, usage (connections
	 * held on the shared pools), waiting callers and dedicated pool.
	 * @return a snapshot of the list, sorted by id
	 */
	public List<Tenant> tenants() {
		return this.tenants.all();
	}

	/**
	 * One tenant. A tenant not seen yet is created with the quota the configuration gives
	 * it ({@code quotas.<id>}, else {@code default-quota}), as when work first runs for
	 * it.
	 * @param id the tenant id
	 * @return the tenant
	 * @throws InvalidTenantIdException if the id is not valid
	 */
	public Tenant tenant(String id) {
		return this.tenants.tenant(id);
	}

	/**
	 * Change a tenant's quota of connections on the shared pools, until the next restart.
	 * Connections it holds stay: a quota below its usage makes its new work wait (and
	 * fail after {@code quota-wait-timeout}) until enough are given back; a higher quota
	 * lets waiting work in at once. A tenant not seen yet keeps the new quota for when
	 * its work arrives. Its dedicated pool, if any, is not limited by the quota.
	 * @param id the tenant id
	 * @param quota connections the tenant may hold at once; 0 for no limit
	 * @return the tenant, with its new quota
	 * @throws IllegalArgumentException naming the tenant if the quota is negative
	 * @throws InvalidTenantIdException if the id is not valid
	 */
	public Tenant changeQuota(String id, int quota) {
		// The id first: the quota's message repeats it.
		return this.tenants.changeQuota(TenantIds.require(id), quota);
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
