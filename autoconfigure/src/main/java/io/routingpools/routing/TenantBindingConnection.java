package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.PoolRole;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.TenantScope;
import io.routingpools.tenant.TenantSessionVariable;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The tenant layer of a logical connection (DESIGN section 7): each binding takes the
 * tenant in effect when it begins ({@code TenantScope}), holds a slot of that tenant's
 * quota while it is bound to a shared pool (primary or replica), and, with
 * {@code tenants.session-variable}, carries the tenant id to the session:
 * transaction-local in a transaction, for the session in auto-commit work, reset to
 * {@code ''} before the physical connection goes back to its pool. The admin pool gets
 * neither quota nor variable. A binding serves only its own tenant's work: between
 * transactions, another tenant's work (or work without one) ends it and binds again;
 * inside a transaction, and on a statement the binding kept, it is refused (25001). The
 * binding itself belongs to {@link RoutingConnection}, which calls this layer as a
 * binding begins, is used and ends.
 */
abstract class TenantBindingConnection extends PlainReadsConnection {

	private static final Log logger = LogFactory.getLog(TenantBindingConnection.class);

	// The tenant of the current binding (or of the binding being made).
	private @Nullable Tenant tenant;

	// The binding holds a slot of the tenant's quota.
	private boolean quotaHeld;

	// The session variable is set for the session on the bound connection: reset it
	// before the connection goes back.
	private boolean variableSetForSession;

	TenantBindingConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
	}

	@Override
	public final @Nullable Tenant tenant() {
		return this.tenant;
	}

	/**
	 * A binding begins: take the current tenant and, if the binding lands on a shared
	 * pool, a slot of its quota, waiting for one up to {@code quota-wait-timeout}.
	 * @param explicit the pool named for the work, or {@code null}
	 * @throws SQLException {@code TenantQuotaExceededException} (53300) when no slot was
	 * free in time; {@code 3D000} for an unknown pool name
	 */
	final void tenantBindingBegins(@Nullable String explicit) throws SQLException {
		Router router = this.source.router();
		Tenant current = router.tenants().current();
		this.tenant = current;
		if (current != null && router.usesSharedPool(current, explicit)) {
			current.acquire();
			this.quotaHeld = true;
		}
	}

	/**
	 * The binding is made: carry the tenant to the session, transaction-local in
	 * manual-commit mode (the statement begins the transaction), for the session in
	 * auto-commit mode.
	 * @param connection the physical connection
	 * @param pool its pool
	 * @throws SQLException naming the tenant and the pool, with the driver's SQLSTATE, if
	 * the setting fails
	 */
	final void tenantBound(Connection connection, NamedPool pool) throws SQLException {
		setTenant(connection, pool, this.autoCommit);
	}

	/**
	 * A manual-commit transaction begins on a binding kept from earlier work: the
	 * transaction-local setting of the last one is gone.
	 * @param connection the physical connection
	 * @param pool its pool
	 * @throws SQLException if the setting fails
	 */
	final void tenantTransactionBegins(Connection connection, NamedPool pool) throws SQLException {
		if (!this.variableSetForSession) {
			setTenant(connection, pool, false);
		}
	}

	/**
	 * Whether the current binding serves the work of the tenant now in effect: it began
	 * for that tenant (or for none, as the work), or it is on the admin pool, which
	 * carries no tenant.
	 * @return {@code false} if another tenant's binding would carry this work
	 */
	@Override
	final boolean servesCurrentTenant() {
		Tenant bound = this.tenant;
		String current = TenantScope.current();
		if ((bound != null) ? bound.id().equals(current) : current == null) {
			return true;
		}
		Route route = route();
		return route != null && route.pool().role() == PoolRole.ADMIN;
	}

	/**
	 * The error for work of another tenant inside a transaction, or on a statement, that
	 * the current binding serves for its own.
	 * @param pool the bound pool
	 * @param statement whether the work is a statement the binding kept
	 * @return {@code 25001}, naming both tenants and the pool
	 */
	final SQLException anotherTenantsWork(NamedPool pool, boolean statement) {
		String current = TenantScope.current();
		String work = (current != null) ? "tenant '" + current + "'" : "no tenant";
		String bound = (this.tenant != null) ? String.valueOf(this.tenant) : "no tenant";
		return new SQLException((statement
				? "A statement created for " + bound + " on pool '" + pool.name() + "' was executed for " + work
						+ "; a statement keeps the tenant of the work that created it: create it again for " + work
				: "Work for " + work + " ran inside a transaction bound to pool '" + pool.name() + "' for " + bound
						+ "; a transaction keeps the tenant it began with: start a new transaction "
						+ "(for example with REQUIRES_NEW) for another tenant's work"),
				SqlStates.ACTIVE_SQL_TRANSACTION);
	}

	/**
	 * A statement of the current binding executes. It runs where it was created, so it
	 * must run for the binding's tenant, which the session must carry: in a manual-commit
	 * transaction that it begins, transaction-local; in auto-commit work after a
	 * transaction, for the session.
	 * @param statementBinding the binding the statement belongs to
	 * @throws SQLException {@code 25001} if the work now in effect is another tenant's;
	 * the error of the setting
	 */
	@Override
	final void statementExecuting(int statementBinding) throws SQLException {
		Connection connection = bound();
		Route current = route();
		if (connection == null || current == null || statementBinding != binding()) {
			// A statement of an earlier binding, closed with it: the driver refuses it.
			return;
		}
		if (!servesCurrentTenant()) {
			throw anotherTenantsWork(current.pool(), true);
		}
		if (this.autoCommit) {
			tenantAutoCommitWork(connection, current.pool());
		}
		else if (firstUseOfTransaction()) {
			tenantTransactionBegins(connection, current.pool());
		}
	}

	/**
	 * Auto-commit work runs on a binding kept from a transaction: set the tenant for the
	 * session unless it is.
	 * @param connection the physical connection
	 * @param pool its pool
	 * @throws SQLException if the setting fails
	 */
	final void tenantAutoCommitWork(Connection connection, NamedPool pool) throws SQLException {
		if (!this.variableSetForSession) {
			setTenant(connection, pool, true);
		}
	}

	/**
	 * Carry the binding's tenant to the session, unless it has none, no variable is
	 * configured, or the pool is the admin pool.
	 * @param forSession for the session (reset when the binding ends), else
	 * transaction-local
	 * @throws SQLException naming the tenant and the pool, with the driver's SQLSTATE
	 */
	private void setTenant(Connection connection, NamedPool pool, boolean forSession) throws SQLException {
		Tenant current = this.tenant;
		TenantSessionVariable variable = (current != null) ? this.source.tenantVariable() : null;
		if (current == null || variable == null || pool.role() == PoolRole.ADMIN) {
			return;
		}
		// Marked first: a failure part-way still resets before the connection goes back.
		this.variableSetForSession |= forSession;
		try {
			if (forSession) {
				variable.setForSession(connection, current.id());
			}
			else {
				variable.setForTransaction(connection, current.id());
			}
		}
		catch (SQLException ex) {
			throw new SQLException("Could not set " + variable.name() + " (routing-pools.tenants.session-variable) for "
					+ current + " on pool '" + pool.name() + "': " + ex.getMessage(), ex.getSQLState(), ex);
		}
	}

	/**
	 * The binding ends and its physical connection is about to go back to its pool: reset
	 * a setting made for the session. If the reset fails, the connection is evicted
	 * instead, so that it never serves other work with this tenant's setting.
	 * @param connection the physical connection, still open
	 * @param pool its pool
	 */
	final void tenantBindingEnding(Connection connection, NamedPool pool) {
		if (!this.variableSetForSession) {
			return;
		}
		this.variableSetForSession = false;
		TenantSessionVariable variable = this.source.tenantVariable();
		if (variable == null) {
			return;
		}
		try {
			if (connection.isClosed()) {
				// HikariCP closed it after a fatal error: it serves nothing more.
				return;
			}
			variable.reset(connection);
		}
		catch (SQLException ex) {
			pool.dataSource().evictConnection(connection);
			logger.warn("Could not reset " + variable.name() + " after work of " + this.tenant + " on pool '"
					+ pool.name() + "' (SQLSTATE " + ex.getSQLState() + "): the connection is evicted instead", ex);
		}
	}

	/**
	 * The binding ended (its connection returned, evicted or lost): give back the quota
	 * slot. Nothing is reset: a connection that was not returned normally is evicted.
	 */
	final void tenantBindingEnded() {
		Tenant ended = this.tenant;
		this.tenant = null;
		this.variableSetForSession = false;
		if (this.quotaHeld) {
			this.quotaHeld = false;
			if (ended != null) {
				ended.release();
			}
		}
	}

}
