package io.routingpools.routing;

import java.sql.SQLException;

import io.routingpools.pool.LostConnections;
import io.routingpools.pool.PoolRole;

/**
 * Which failed statements are run again on another node (DESIGN section 6,
 * docs/failover.md): read-only work whose statement lost its node or connection before
 * anything was returned to the caller. A statement is re-run once, transparently, when
 * all of these hold:
 * <ol>
 * <li>the binding was routed automatically for read-only work to a replica (route reason
 * {@link RouteReason#READ_ONLY READ_ONLY}, or {@link RouteReason#AUTO_COMMIT_READ
 * AUTO_COMMIT_READ} for a plain read outside a transaction, on a replica), or fell back
 * from the replicas to the primary ({@link RouteReason#FALLBACK FALLBACK} or
 * {@link RouteReason#CONSISTENCY CONSISTENCY}: a pooled primary connection can be broken
 * too, and the read was meant to move between nodes anyway). Explicit routes, writes, and
 * read-only work on the primary by rule (no replica configured,
 * {@code standby-unsupported}) are never re-run;</li>
 * <li>the statement was created while nothing had executed on the binding, only
 * {@code set*} and {@code clearParameters} were called on it since, and the failing call
 * is its first execution, which is also the first on the binding: no transaction snapshot
 * was observed and nothing was returned;</li>
 * <li>it is the only open statement of the binding, and the physical connection was not
 * handed out ({@code unwrap}, {@code setNetworkTimeout}): nothing else points at the lost
 * connection;</li>
 * <li>the call can be made again: {@code executeQuery} and {@code execute} of a plain or
 * prepared statement (not batches, {@code executeUpdate}/{@code executeLargeUpdate}, nor
 * callable statements), with no stream, reader or LOB passed to a setter;</li>
 * <li>the error is a {@linkplain LostConnections lost connection} (SQLSTATE class 08,
 * {@code 57P01}, {@code 57P02}, {@code 57P03}).</li>
 * </ol>
 * The same route rule lets a read-only transaction end normally when its {@code commit()}
 * or {@code rollback()} loses the connection: such work wrote nothing (a hot standby
 * cannot write, a fallback is set read-only), and its rows were returned.
 * <p>
 * The first two conditions are known when the statement is created, so only statements
 * that satisfy them record the calls made on them ({@link StatementRecording}); the
 * others pay one null check per call.
 */
final class ReRuns {

	private ReRuns() {
	}

	/**
	 * Whether a binding's route lets its statements be re-run (condition 1).
	 * @param route the binding's route
	 * @return {@code true} for automatic read-only routing to a replica, or a fallback to
	 * the primary for want of a replica or for consistency
	 */
	static boolean routeAllows(Route route) {
		RouteReason reason = route.reason();
		return ((reason == RouteReason.READ_ONLY || reason == RouteReason.AUTO_COMMIT_READ)
				&& route.pool().role() == PoolRole.REPLICA) || reason == RouteReason.FALLBACK
				|| reason == RouteReason.CONSISTENCY;
	}

	/**
	 * The decision, once a recorded statement's first execution failed.
	 * @param route the binding's route
	 * @param onlyOpenStatement whether the statement is the only open statement of its
	 * binding and the physical connection was not handed out (condition 3)
	 * @param ex the error of the execution
	 * @return whether to run the statement again on another node
	 */
	static boolean applies(Route route, boolean onlyOpenStatement, SQLException ex) {
		return routeAllows(route) && onlyOpenStatement && LostConnections.isLost(ex);
	}

}
