package io.routingpools.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import io.routingpools.consistency.ReadYourWrites;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import io.routingpools.pool.LostConnections;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.LoadBalancer;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.ReplicaStatus;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.Tenants;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides where a logical connection binds and borrows the physical connection there
 * (DESIGN section 4): an explicit route wins, then a tenant's dedicated pool; read-only
 * work goes to a replica unless a hot standby cannot run it, everything else to the
 * primary. Only replicas the monitor has {@code UP} are tried: a request thread never
 * waits on a replica the monitor knows is gone. A replica that fails to provide a
 * connection between checks is skipped for a short while and the read moves to the next
 * replica, then to the primary if fallback is allowed.
 * <p>
 * A read whose scope wrote something ({@link ReadYourWrites}) goes only to a replica
 * known to have replayed that write; when none is known to, one replica is asked and
 * waited for up to {@code consistency.max-wait}, then the read goes to the primary (route
 * reason {@code consistency}).
 */
public final class Router {

	private static final RouteReason[] REASONS = RouteReason.values();

	private static final Log logger = LogFactory.getLog(Router.class);

	private final NamedPools pools;

	private final LoadBalancer loadBalancer;

	private final FallbackPolicy fallback;

	private final SuspectReplicas suspects;

	private final ReplicaStates states;

	private final FailoverEvents events;

	private final ReadYourWrites consistency;

	private final Tenants tenants;

	private final @Nullable Semaphore fallbackPermits;

	private final Route[] routes;

	/**
	 * Create a router over started pools.
	 * @param pools the pools
	 * @param loadBalancer chooses among eligible replicas
	 * @param fallback where reads go when no replica can serve them
	 * @param suspects replicas recently found unreachable on the request path
	 * @param states the replica monitor's states
	 * @param events told when work moves off a node
	 * @param consistency which replicas may serve reads that follow a write
	 * @param tenants the tenants: quotas, dedicated pools, session variable
	 */
	public Router(NamedPools pools, LoadBalancer loadBalancer, FallbackPolicy fallback, SuspectReplicas suspects,
			ReplicaStates states, FailoverEvents events, ReadYourWrites consistency, Tenants tenants) {
		this.pools = pools;
		this.loadBalancer = loadBalancer;
		this.fallback = fallback;
		this.suspects = suspects;
		this.states = states;
		this.events = events;
		this.consistency = consistency;
		this.tenants = tenants;
		this.fallbackPermits = (fallback.maxConcurrency() > 0) ? new Semaphore(fallback.maxConcurrency()) : null;
		this.routes = new Route[pools.size() * REASONS.length];
		for (NamedPool pool : pools.all()) {
			for (RouteReason reason : REASONS) {
				this.routes[pool.index() * REASONS.length + reason.ordinal()] = new Route(pool, reason);
			}
		}
	}

	public NamedPools pools() {
		return this.pools;
	}

	/**
	 * The rules reads follow after writes, which also record the tokens.
	 * @return the consistency rules
	 */
	public ReadYourWrites consistency() {
		return this.consistency;
	}

	/**
	 * The tenants whose work binds through this router.
	 * @return the tenants
	 */
	public Tenants tenants() {
		return this.tenants;
	}

	/**
	 * Whether a binding of a tenant's work under the given explicit route lands on a
	 * shared pool (the primary or a replica), where the tenant's quota applies.
	 * @param tenant the tenant
	 * @param explicit the pool named for the work, or {@code null}
	 * @return {@code true} when the binding counts against the quota
	 * @throws SQLException {@code 3D000} for an unknown pool name
	 */
	boolean usesSharedPool(Tenant tenant, @Nullable String explicit) throws SQLException {
		if (explicit != null) {
			PoolRole role = require(explicit).role();
			return role == PoolRole.PRIMARY || role == PoolRole.REPLICA;
		}
		return tenant.dedicatedPool() == null;
	}

	/**
	 * Every route a binding can take, with its count, for the {@code routingpools.routes}
	 * meter.
	 * @return the routes, by pool then reason
	 */
	public List<Route> routes() {
		List<Route> possible = new ArrayList<>();
		for (Route route : this.routes) {
			if (possible(route)) {
				possible.add(route);
			}
		}
		return possible;
	}

	// Replicas serve only read-only work; automatic routing reaches the admin pool only
	// by name.
	private boolean possible(Route route) {
		RouteReason reason = route.reason();
		return switch (route.pool().role()) {
			case REPLICA -> reason == RouteReason.READ_ONLY || reason == RouteReason.AUTO_COMMIT_READ
					|| reason == RouteReason.EXPLICIT;
			case ADMIN -> reason == RouteReason.EXPLICIT;
			case TENANT -> reason == RouteReason.EXPLICIT || reason == RouteReason.TENANT;
			case PRIMARY -> reason != RouteReason.AUTO_COMMIT_READ && reason != RouteReason.TENANT
					&& (reason != RouteReason.READ_ONLY || this.pools.replicas().isEmpty());
		};
	}

	/**
	 * Decide the route for a logical connection's next binding and borrow its physical
	 * connection.
	 * @param logical the connection being bound; receives the route
	 * @param explicit the pool named for the work ({@code @UsePool},
	 * {@code PoolRouting}), or {@code null} to route by the work's read-only flag
	 * @return a physical connection from the chosen pool
	 * @throws SQLException if no pool could provide a connection: the pool's own error,
	 * {@code 3D000} for an unknown pool name, {@code 42501} for a tenant's work named to
	 * another tenant's dedicated pool, {@code 0A000} for serializable work named to a
	 * replica, {@code 53300} for a saturated pool, or {@code 08001} when no replica could
	 * serve a read (none in rotation, or none caught up with the scope's writes) and
	 * fallback is not allowed
	 */
	Connection acquire(Binding logical, @Nullable String explicit) throws SQLException {
		if (explicit != null) {
			NamedPool pool = require(explicit);
			if (pool.role() == PoolRole.REPLICA && !HotStandby.canRun(logical.transactionIsolation())) {
				throw new SQLFeatureNotSupportedException("Pool '" + pool.name()
						+ "' is a hot standby, which cannot run serializable transactions (@UsePool or PoolRouting "
						+ "named it; the isolation was set on the connection or is the pools' default): use "
						+ "REPEATABLE READ there, or route the work to the primary", SqlStates.FEATURE_NOT_SUPPORTED);
			}
			Tenant tenant = logical.tenant();
			if (pool.role() == PoolRole.TENANT && tenant != null && tenant.dedicatedPool() != pool) {
				throw new SQLException("Work of " + tenant + " named pool '" + pool.name()
						+ "' (@UsePool or PoolRouting), the dedicated pool of another tenant: a tenant's work may "
						+ "name only its own dedicated pool; operator work without a tenant may name any",
						SqlStates.INSUFFICIENT_PRIVILEGE);
			}
			return acquire(logical, pool, RouteReason.EXPLICIT);
		}
		Tenant tenant = logical.tenant();
		NamedPool dedicated = (tenant != null) ? tenant.dedicatedPool() : null;
		if (dedicated != null) {
			return acquire(logical, dedicated, RouteReason.TENANT);
		}
		List<NamedPool> replicas = this.pools.replicas();
		boolean readOnly = logical.readOnlyIntent();
		boolean plainRead = !readOnly && logical.plainReadIntent();
		if ((readOnly || plainRead) && !replicas.isEmpty()) {
			if (HotStandby.canRun(logical.transactionIsolation())) {
				return acquireReadOnly(logical, replicas,
						plainRead ? RouteReason.AUTO_COMMIT_READ : RouteReason.READ_ONLY);
			}
			return acquire(logical, this.pools.primary(), RouteReason.STANDBY_UNSUPPORTED);
		}
		return acquire(logical, this.pools.primary(), readOnly ? RouteReason.READ_ONLY : RouteReason.WRITE);
	}

	private Connection acquire(Binding logical, NamedPool pool, RouteReason reason) throws SQLException {
		Connection connection = pool.borrow();
		logical.routed(route(pool, reason));
		return connection;
	}

	/**
	 * Give back what a binding held besides its physical connection.
	 * @param route the route of the binding that ended
	 * @param connection the physical connection, already closed
	 */
	void released(Route route, Connection connection) {
		route.pool().returned(connection);
		if ((route.reason() == RouteReason.FALLBACK || route.reason() == RouteReason.CONSISTENCY)
				&& this.fallbackPermits != null) {
			this.fallbackPermits.release();
		}
	}

	/**
	 * Find a pool by name for an explicit route.
	 * @param name the pool name
	 * @return the pool
	 * @throws SQLException naming the known pools if there is none by that name
	 */
	NamedPool require(String name) throws SQLException {
		NamedPool pool = this.pools.find(name);
		if (pool == null) {
			throw new SQLException(
					"No pool named '" + name + "' (@UsePool or PoolRouting); the pools are " + this.pools.names(),
					SqlStates.NO_SUCH_POOL);
		}
		return pool;
	}

	private Connection acquireReadOnly(Binding logical, List<NamedPool> replicas, RouteReason reason)
			throws SQLException {
		List<NamedPool> candidates = eligible(replicas);
		long required = this.consistency.requiredPosition();
		// Whether the replica chosen must be asked if it replayed the scope's writes.
		boolean ask = false;
		if (required != ReadYourWrites.NOTHING_REQUIRED && !candidates.isEmpty()) {
			if (required == ReadYourWrites.PRIMARY_REQUIRED) {
				return fallBack(logical, null, RouteReason.CONSISTENCY);
			}
			List<NamedPool> caughtUp = caughtUp(candidates, required);
			ask = caughtUp.isEmpty();
			candidates = ask ? candidates : caughtUp;
		}
		SQLException failures = null;
		while (!candidates.isEmpty()) {
			NamedPool replica = choose(candidates);
			try {
				Connection connection = acquire(logical, replica, reason);
				if (ask) {
					// None is known to have replayed them: the logical connection asks
					// this one once the work's settings are applied, waiting up to
					// max-wait, then goes to the primary (acquireForConsistency).
					logical.mustHaveReplayed(required);
				}
				return connection;
			}
			catch (SQLException ex) {
				failures = unableToLend(replica, ex, failures);
				candidates = without(candidates, replica);
			}
		}
		return fallBack(logical, failures, RouteReason.FALLBACK);
	}

	private NamedPool choose(List<NamedPool> candidates) {
		return (candidates.size() == 1) ? candidates.get(0) : this.loadBalancer.choose(candidates);
	}

	private SQLException unableToLend(NamedPool replica, SQLException ex, @Nullable SQLException failures) {
		if (isConnectionFailure(ex) && this.suspects.markSuspect(replica, "could not provide a connection", ex)) {
			this.events.failover(replica, FailoverCause.CONNECTION_ERROR);
		}
		return chain(failures, ex);
	}

	/**
	 * The candidates known to have replayed a position. Allocates only when some replica
	 * is left out.
	 */
	private List<NamedPool> caughtUp(List<NamedPool> candidates, long required) {
		List<NamedPool> caughtUp = null;
		for (int i = 0; i < candidates.size(); i++) {
			NamedPool replica = candidates.get(i);
			boolean replayed = this.states.replayPosition(replica) >= required;
			if (!replayed && caughtUp == null) {
				caughtUp = new ArrayList<>(candidates.subList(0, i));
			}
			else if (replayed && caughtUp != null) {
				caughtUp.add(replica);
			}
		}
		return (caughtUp != null) ? caughtUp : candidates;
	}

	/**
	 * The replica a read asked had not replayed its scope's writes within
	 * {@code max-wait}, or could not be asked: the read goes to the primary.
	 * @param logical the connection being bound; receives the route
	 * @param failure why the replica could not be asked, or {@code null} if it was behind
	 * @return a physical connection from the primary pool
	 * @throws SQLException as {@link #acquire(Binding, String)} does when fallback is not
	 * allowed or the primary cannot lend a connection
	 */
	Connection acquireForConsistency(Binding logical, @Nullable SQLException failure) throws SQLException {
		if (failure != null && LostConnections.isLost(failure)) {
			return fallBack(logical, failure, RouteReason.FALLBACK);
		}
		return fallBack(logical, null, RouteReason.CONSISTENCY);
	}

	/**
	 * The replicas a read may try: those the monitor has {@code UP}, less those suspect
	 * on the request path. Allocates only when some replica is left out.
	 */
	private List<NamedPool> eligible(List<NamedPool> replicas) {
		List<NamedPool> eligible = null;
		List<NamedPool> suspect = null;
		for (int i = 0; i < replicas.size(); i++) {
			NamedPool replica = replicas.get(i);
			boolean up = this.states.servesReads(replica);
			boolean passedOver = !up || this.suspects.isSuspect(replica);
			if (passedOver && eligible == null) {
				eligible = new ArrayList<>(replicas.subList(0, i));
			}
			else if (!passedOver && eligible != null) {
				eligible.add(replica);
			}
			if (up && passedOver) {
				suspect = (suspect != null) ? suspect : new ArrayList<>();
				suspect.add(replica);
			}
		}
		if (eligible == null) {
			return replicas;
		}
		// Every replica the monitor has up is suspect and no fallback allowed: trying
		// them beats failing outright. A replica the monitor knows is gone is never
		// tried.
		return (eligible.isEmpty() && suspect != null && !this.fallback.toPrimary()) ? suspect : eligible;
	}

	private Connection fallBack(Binding logical, @Nullable SQLException failures, RouteReason reason)
			throws SQLException {
		if (!this.fallback.toPrimary()) {
			throw withCause(
					new SQLTransientConnectionException(
							"No replica could serve read-only work " + describeFailures(failures, reason)
									+ " and routing-pools.routing.fallback-to-primary is false",
							SqlStates.UNABLE_TO_CONNECT),
					failures);
		}
		if (this.fallbackPermits != null && !this.fallbackPermits.tryAcquire()) {
			throw withCause(new SQLTransientConnectionException(
					"No replica could serve read-only work " + describeFailures(failures, reason) + " and "
							+ this.fallback.maxConcurrency() + " reads are already falling back to pool '"
							+ this.pools.primary().name() + "' (routing-pools.routing.fallback-max-concurrency)",
					SqlStates.UNABLE_TO_CONNECT), failures);
		}
		NamedPool primary = this.pools.primary();
		try {
			return acquire(logical, primary, reason);
		}
		catch (SQLException ex) {
			if (this.fallbackPermits != null) {
				this.fallbackPermits.release();
			}
			throw ex;
		}
	}

	/**
	 * Whether the replica could not be reached, rather than being merely busy: HikariCP
	 * reports its last connection failure as the cause of a timeout, and a node going
	 * away is a {@linkplain LostConnections lost connection}. A saturated pool
	 * ({@code max-waiting}) or an exhausted one is passed over for this read only.
	 */
	private static boolean isConnectionFailure(SQLException ex) {
		return ex.getCause() != null || LostConnections.isLost(ex);
	}

	/**
	 * A driver call on a bound connection failed. A lost connection on a replica
	 * ({@link LostConnections}) means the replica, not just this connection, is likely
	 * gone; a query canceled by a conflict with recovery (SQLSTATE 40001 on a replica) is
	 * counted.
	 * @param route the route of the connection whose call failed
	 * @param ex the error
	 */
	void failed(Route route, SQLException ex) {
		NamedPool pool = route.pool();
		if (pool.role() != PoolRole.REPLICA) {
			return;
		}
		if (LostConnections.isLost(ex)) {
			if (this.suspects.connectionLost(pool, ex)) {
				this.events.failover(pool, FailoverCause.CONNECTION_ERROR);
			}
		}
		else if (SqlStates.SERIALIZATION_FAILURE.equals(ex.getSQLState())) {
			this.events.standbyCancellation(pool);
		}
	}

	/**
	 * A write on a connection of the primary pool failed with SQLSTATE 25006: ask that
	 * connection's node whether it is in recovery ({@code pg_is_in_recovery()}). If it
	 * is, the primary was demoted (or its address now reaches a standby): the primary
	 * pool's connections are evicted so that new ones find the new primary, and the
	 * demotion is counted. Read-only work that fell back to the primary is never asked
	 * about: its 25006 is the application's.
	 * @param route the route of the connection whose write failed
	 * @param connection the physical connection, after its transaction ended
	 */
	void checkDemotion(Route route, Connection connection) {
		NamedPool pool = route.pool();
		try {
			if (!connection.getAutoCommit()) {
				connection.rollback();
			}
			try (Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
				if (row.next() && row.getBoolean(1)) {
					pool.dataSource().getHikariPoolMXBean().softEvictConnections();
					this.events.failover(pool, FailoverCause.DEMOTION);
					logger.warn("Pool '" + pool.name() + "' reached a node in recovery (a write failed with SQLSTATE "
							+ "25006 and pg_is_in_recovery() is true): the primary was demoted or its address now "
							+ "reaches a standby. Its connections are evicted so that new ones find the primary "
							+ "(a multi-host URL with targetServerType=primary, or the HA address)");
				}
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not ask pool '" + pool.name() + "' whether its node is in recovery", ex);
		}
	}

	/**
	 * A read-only statement that lost its connection on this route is run again on
	 * another binding ({@link ReRuns}): counted as a failover of its pool.
	 * @param lost the route of the binding that lost its connection
	 */
	void reRunning(Route lost) {
		this.events.failover(lost.pool(), FailoverCause.RE_RUN);
	}

	private Route route(NamedPool pool, RouteReason reason) {
		return this.routes[pool.index() * REASONS.length + reason.ordinal()];
	}

	private static List<NamedPool> without(List<NamedPool> candidates, NamedPool failed) {
		List<NamedPool> remaining = new ArrayList<>(candidates);
		remaining.remove(failed);
		return remaining;
	}

	private static SQLException chain(@Nullable SQLException first, SQLException next) {
		if (first == null) {
			return next;
		}
		first.addSuppressed(next);
		return first;
	}

	private String describeFailures(@Nullable SQLException failures, RouteReason reason) {
		if (reason == RouteReason.CONSISTENCY) {
			return "(it follows a write of its scope that no replica in rotation had replayed within "
					+ "routing-pools.consistency.max-wait, " + this.consistency.settings().maxWait().toMillis()
					+ " ms, or whose WAL position is not known)";
		}
		if (failures == null) {
			StringBuilder text = new StringBuilder("(");
			for (NamedPool replica : this.pools.replicas()) {
				text.append((text.length() > 1) ? "; " : "").append("replica '").append(replica.name()).append("' ");
				ReplicaStatus status = this.states.status(replica);
				if (!status.state().servesReads()) {
					text.append("is ").append(status.state().tagValue()).append(": ").append(status.reason());
				}
				else {
					text.append("failed to provide a connection in the last ")
						.append(this.suspects.suspectTime().toMillis())
						.append(" ms");
				}
			}
			return text.append(')').toString();
		}
		StringBuilder text = new StringBuilder("(").append(failures.getMessage());
		for (Throwable suppressed : failures.getSuppressed()) {
			text.append("; ").append(suppressed.getMessage());
		}
		return text.append(')').toString();
	}

	private static SQLException withCause(SQLException ex, @Nullable SQLException cause) {
		if (cause != null) {
			ex.initCause(cause);
		}
		return ex;
	}

}
