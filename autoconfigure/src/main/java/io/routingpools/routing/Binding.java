package io.routingpools.routing;

import io.routingpools.tenant.Tenant;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link Router} sees of a logical connection it binds: what the work is, and
 * where to record the route it chose. Kept narrow so that the route decision does not
 * depend on how a connection tracks its state.
 */
interface Binding {

	/**
	 * Whether the work about to run is read-only: the connection is marked read-only, or
	 * Spring declared the work read-only outside any transaction.
	 * @return {@code true} for read-only work
	 */
	boolean readOnlyIntent();

	/**
	 * Whether the work about to run is a plain read outside any transaction that may go
	 * to a replica ({@code routing.auto-commit-reads: replica}).
	 * @return {@code true} while a statement whose SQL only reads is bound
	 */
	boolean plainReadIntent();

	/**
	 * The tenant of the work about to run, taken when the binding began.
	 * @return the tenant, or {@code null} for work without one
	 */
	@Nullable Tenant tenant();

	/**
	 * Isolation of the work about to run: the level set on the connection, else the
	 * pools' default.
	 * @return a {@link java.sql.Connection} isolation level, or
	 * {@link RoutingDataSource#UNKNOWN_ISOLATION} before the pools' default is known
	 */
	int transactionIsolation();

	/**
	 * The replica about to be returned is not known to have replayed the position the
	 * work's scope needs: the connection must ask it before the work runs, and go to the
	 * primary if it has not caught up ({@link Router#acquireForConsistency}).
	 * @param position the WAL position, as a byte offset
	 */
	void mustHaveReplayed(long position);

	/**
	 * Record the route of the physical connection the router is about to return.
	 * @param route the pool and the reason it was chosen
	 */
	void routed(Route route);

}
