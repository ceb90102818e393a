package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.PoolRole;
import io.routingpools.tenant.Tenant;
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
 * neither quota nor variable. The binding itself belongs to {@link RoutingConnection},
 * which calls this layer as a binding begins, is used and ends.
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
		TenantSessionVariable variable = this.source.tenantVariable();
		Tenant current = this.tenant;
		if (variable == null || current == null || pool.role() == PoolRole.ADMIN) {
			return;
		}
		if (this.autoCommit) {
			setForSession(variable, connection, current, pool);
		}
		else {
			setForTransaction(variable, connection, current, pool);
		}
	}

	/**
	 * A manual-commit transaction begins on a binding kept from earlier work: the
	 * transaction-local setting of the last one is gone.
	 * @param connection the physical connection
	 * @param pool its pool
	 * @throws SQLException if the setting fails
	 */
	final void tenantTransactionBegins(Connection connection, NamedPool pool) throws SQLException {
		TenantSessionVariable variable = this.source.tenantVariable();
		Tenant current = this.tenant;
		if (variable != null && current != null && !this.variableSetForSession && pool.role() != PoolRole.ADMIN) {
			setForTransaction(variable, connection, current, pool);
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
		if (this.variableSetForSession || this.tenant == null) {
			return;
		}
		tenantBound(connection, pool);
	}

	private void setForSession(TenantSessionVariable variable, Connection connection, Tenant current, NamedPool pool)
			throws SQLException {
		// Marked first: a failure part-way still resets before the connection goes back.
		this.variableSetForSession = true;
		try {
			variable.setForSession(connection, current.id());
		}
		catch (SQLException ex) {
			throw settingFailed(variable, current, pool, ex);
		}
	}

	private static void setForTransaction(TenantSessionVariable variable, Connection connection, Tenant current,
			NamedPool pool) throws SQLException {
		try {
			variable.setForTransaction(connection, current.id());
		}
		catch (SQLException ex) {
			throw settingFailed(variable, current, pool, ex);
		}
	}

	private static SQLException settingFailed(TenantSessionVariable variable, Tenant current, NamedPool pool,
			SQLException ex) {
		return new SQLException("Could not set " + variable.name() + " (routing-pools.tenants.session-variable) for "
				+ current + " on pool '" + pool.name() + "': " + ex.getMessage(), ex.getSQLState(), ex);
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

	/**
	 * Whether auto-commit work of the current tenant fits a binding to its dedicated
	 * pool.
	 * @param current the binding's route, reason {@code tenant}
	 * @return whether the current tenant's dedicated pool is the bound pool
	 */
	final boolean fitsTenantRoute(Route current) {
		Tenant now = this.source.router().tenants().current();
		return now != null && now.dedicatedPool() == current.pool();
	}

}
