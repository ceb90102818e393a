package io.routingpools.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.PrimaryStatus;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.ReplicaStatus;
import org.jspecify.annotations.Nullable;

/**
 * Decides the health of each pool from what is already in memory: the replica monitor's
 * {@link ReplicaStates} and HikariCP's pool counters. It never runs a query, never
 * borrows a connection and never waits, so a health request is answered at once even when
 * a database host is black-holed.
 * <p>
 * The decisions (documented in {@code docs/operations.md}):
 * <ul>
 * <li>the primary is {@code DOWN} only when the monitor last found it unreachable;</li>
 * <li>a replica is {@code UP} while it serves reads, and also while it does not but
 * read-only work can still be served elsewhere: another replica serves reads, or
 * {@code fallback-to-primary} is on and the primary is not known to be unreachable. When
 * read-only work cannot be served at all, every replica that does not serve reads is
 * {@code DOWN};</li>
 * <li>the admin pool and the dedicated tenants' pools ({@code tenant-<id>}), which the
 * monitor does not watch, are always {@code UP} and show their pool figures only;</li>
 * <li>before the monitor's first check, the primary and the replicas are {@code UP} with
 * the state {@value #NOT_CHECKED_YET}.</li>
 * </ul>
 */
public final class RoutingPoolsHealth {

	/** The {@code state} of a node the monitor has not checked yet. */
	public static final String NOT_CHECKED_YET = "not checked yet";

	/** The {@code state} of a primary found reachable. */
	public static final String PRIMARY_UP = "up";

	/** The {@code state} of a primary found unreachable. */
	public static final String PRIMARY_DOWN = "down";

	/** The {@code state} of a primary checked without a verdict. */
	public static final String PRIMARY_UNKNOWN = "unknown";

	private final NamedPools pools;

	private final ReplicaStates states;

	private final boolean fallbackToPrimary;

	/**
	 * Decide health from the given state.
	 * @param pools the pools, one component each
	 * @param states what the replica monitor last found
	 * @param fallbackToPrimary whether read-only work falls back to the primary when no
	 * replica serves reads ({@code routing-pools.routing.fallback-to-primary})
	 */
	public RoutingPoolsHealth(NamedPools pools, ReplicaStates states, boolean fallbackToPrimary) {
		this.pools = pools;
		this.states = states;
		this.fallbackToPrimary = fallbackToPrimary;
	}

	/**
	 * The pools that have a component, in start order (primary, replicas, admin,
	 * dedicated tenant pools).
	 * @return the pools
	 */
	public List<NamedPool> pools() {
		List<NamedPool> all = new ArrayList<>();
		this.pools.all().forEach(all::add);
		return all;
	}

	/**
	 * The current health of one pool.
	 * @param pool one of the pools
	 * @return its health, decided from memory only
	 */
	public PoolHealth check(NamedPool pool) {
		return switch (pool.role()) {
			case PRIMARY -> primary(pool);
			case REPLICA -> replica(pool);
			// Not checked by the monitor: HikariCP's figures only. A dedicated tenant
			// database that is down shows in its own pool's figures (no idle connection,
			// waiting callers) but does not take the application down.
			case ADMIN, TENANT -> new PoolHealth(pool.name(), true, finish(poolFigures(pool, new LinkedHashMap<>())));
		};
	}

	/**
	 * Whether read-only work can be served now: a replica serves reads, or it may fall
	 * back to a primary that is not known to be unreachable.
	 * @return whether a read-only transaction would find a node
	 */
	public boolean readsServable() {
		for (NamedPool replica : this.pools.replicas()) {
			if (this.states.servesReads(replica)) {
				return true;
			}
		}
		return this.fallbackToPrimary && !Boolean.FALSE.equals(this.states.primary().reachable());
	}

	private PoolHealth primary(NamedPool pool) {
		PrimaryStatus status = this.states.primary();
		Boolean reachable = status.reachable();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", primaryState(status));
		details.put("reason", status.reason());
		putIfKnown(details, "checkedAt", status.checkedAt());
		putIfKnown(details, "walLsn", status.walLsn());
		poolFigures(pool, details);
		return new PoolHealth(pool.name(), !Boolean.FALSE.equals(reachable), finish(details));
	}

	private static String primaryState(PrimaryStatus status) {
		Boolean reachable = status.reachable();
		if (reachable == null) {
			return (status.checkedAt() != null) ? PRIMARY_UNKNOWN : NOT_CHECKED_YET;
		}
		return reachable ? PRIMARY_UP : PRIMARY_DOWN;
	}

	private PoolHealth replica(NamedPool pool) {
		ReplicaStatus status = this.states.status(pool);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", replicaState(status));
		details.put("reason", status.reason());
		details.put("since", status.since().toString());
		putIfKnown(details, "checkedAt", status.checkedAt());
		putIfKnown(details, "replayLsn", status.replayLsn());
		putIfKnown(details, "replayLagBytes", status.replayLagBytes());
		putIfKnown(details, "replayLagSeconds", status.replayLagSeconds());
		putIfKnown(details, "walReceiverStreaming", status.walReceiverStreaming());
		poolFigures(pool, details);
		boolean up = status.state().servesReads() || readsServable();
		return new PoolHealth(pool.name(), up, finish(details));
	}

	private static String replicaState(ReplicaStatus status) {
		if (status.checkedAt() == null && status.state() == ReplicaState.UP) {
			return NOT_CHECKED_YET;
		}
		return status.state().tagValue();
	}

	private static void putIfKnown(Map<String, Object> details, String key, @Nullable Object value) {
		if (value instanceof Instant instant) {
			details.put(key, instant.toString());
		}
		else if (value != null) {
			details.put(key, value);
		}
	}

	// HikariCP's counters are kept in memory: reading them neither borrows nor waits.
	private static Map<String, Object> poolFigures(NamedPool pool, Map<String, Object> details) {
		HikariPoolMXBean bean = pool.dataSource().getHikariPoolMXBean();
		if (bean != null) {
			details.put("active", bean.getActiveConnections());
			details.put("idle", bean.getIdleConnections());
			details.put("waiting", bean.getThreadsAwaitingConnection());
			details.put("size", bean.getTotalConnections());
		}
		details.put("maximumPoolSize", pool.dataSource().getMaximumPoolSize());
		return details;
	}

	private static Map<String, Object> finish(Map<String, Object> details) {
		return Collections.unmodifiableMap(details);
	}

}
