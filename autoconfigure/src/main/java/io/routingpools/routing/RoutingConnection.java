package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.concurrent.Executor;

import io.routingpools.pool.PoolRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A logical connection that binds to a physical pool connection at its first real use and
 * releases it when its transaction ends, so that each transaction is routed on its own
 * (DESIGN section 4). This class holds the binding lifecycle; statement tracking lives in
 * {@link StatementTrackingConnection}, the recorded settings in
 * {@link RecordingConnection}, and the plain delegation of every other method is
 * generated at build time ({@code DelegatingRoutingConnection}).
 * <p>
 * A binding ends at {@code commit()} or {@code rollback()} in manual-commit mode, when
 * auto-commit is switched on, when a transaction begins ({@code setAutoCommit(false)}) or
 * the read-only flag changes after auto-commit work, and at {@code close()}. Statements
 * that are still open keep the binding: the next transaction then stays on the same
 * physical connection, as long as that pool can serve it. {@code unwrap} to a driver type
 * and {@code setNetworkTimeout} keep the binding until the connection is closed, with the
 * same limit. Work the bound pool cannot serve (a write after a replica served reads,
 * another explicitly named pool) ends the binding outside a transaction, closing what it
 * kept.
 * <p>
 * Not thread-safe, like any JDBC connection.
 */
abstract class RoutingConnection extends StatementTrackingConnection implements Binding {

	private static final Log logger = LogFactory.getLog(RoutingConnection.class);

	private @Nullable Connection physical;

	private @Nullable Route route;

	private boolean closed;

	private boolean pinned;

	RoutingConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
	}

	@Override
	public boolean readOnlyIntent() {
		return this.readOnly;
	}

	@Override
	public void routed(Route route) {
		this.route = route;
	}

	@Override
	@Nullable Connection bound() {
		return this.physical;
	}

	@Override
	Connection physical() throws SQLException {
		Connection connection = this.physical;
		Route current = this.route;
		if (connection != null && current != null) {
			String explicit = PoolRouting.currentPool();
			if (explicit == null) {
				// Work after an explicit route ended is routed again, unless it belongs
				// to a
				// transaction or to statements that can only run where the route put
				// them.
				if (current.reason() != RouteReason.EXPLICIT || !this.autoCommit
						|| !mayEndBinding(current, this.readOnly)) {
					return connection;
				}
				release();
				return bind();
			}
			if (explicit.equals(current.pool().name())) {
				return connection;
			}
			if (!this.autoCommit || !isFree()) {
				throw new SQLException(
						"Pool '" + explicit + "' was requested (@UsePool or PoolRouting) inside a "
								+ "transaction already bound to pool '" + current.pool().name()
								+ "'; start a new transaction (for example with REQUIRES_NEW) to use another pool",
						SqlStates.ACTIVE_SQL_TRANSACTION);
			}
			release();
		}
		return bind();
	}

	private Connection bind() throws SQLException {
		checkOpen();
		Connection connection = this.source.router().acquire(this);
		Route bound = this.route;
		if (bound == null) {
			connection.close();
			throw new IllegalStateException("The router returned a connection without a route");
		}
		try {
			replay(connection, bound.pool());
		}
		catch (SQLException | RuntimeException ex) {
			this.route = null;
			this.source.router().released(bound);
			connection.close();
			throw ex;
		}
		this.physical = connection;
		bindingStarted();
		return connection;
	}

	/**
	 * Whether the binding may end before work with the given read-only flag starts
	 * outside a transaction: nothing needs it, or the bound pool cannot serve that work
	 * anyway.
	 */
	private boolean mayEndBinding(Route current, boolean readOnly) {
		return isFree() || !servedBy(current, readOnly);
	}

	/**
	 * Whether the bound pool can serve work with the given read-only flag under the
	 * current explicit route. A replica cannot serve writes; another named pool cannot
	 * serve at all.
	 */
	private static boolean servedBy(Route current, boolean readOnly) {
		String explicit = PoolRouting.currentPool();
		if (explicit != null) {
			return explicit.equals(current.pool().name());
		}
		return readOnly || current.pool().role() != PoolRole.REPLICA;
	}

	/**
	 * Whether the application holds nothing that needs the physical connection.
	 */
	private boolean isFree() {
		return !this.pinned && !hasOpenStatements();
	}

	/**
	 * End the binding after a transaction ended, if the application holds nothing that
	 * needs the physical connection. The transaction's outcome is settled: a failure to
	 * give the connection back is logged, not thrown.
	 */
	private void releaseIfFreeAfterTransaction() {
		if (!isFree()) {
			return;
		}
		Route released = this.route;
		try {
			release();
		}
		catch (SQLException ex) {
			logger.warn("Could not return a connection to pool '" + ((released != null) ? released.pool() : "?")
					+ "' after its transaction ended", ex);
		}
	}

	private void release() throws SQLException {
		Connection connection = this.physical;
		Route released = this.route;
		this.physical = null;
		this.route = null;
		bindingEnded();
		this.pinned = false;
		if (connection != null && released != null) {
			try {
				connection.close();
			}
			finally {
				this.source.router().released(released);
			}
		}
	}

	/**
	 * A driver call on this connection or one of its statements, result sets or metadata
	 * failed: let the router learn from a connection error, and add which pool served
	 * this connection and why to a wrong-node error (SQLSTATE 25006).
	 * @param ex the error from the driver
	 * @return the error to throw: enriched, or {@code ex} itself
	 */
	@Override
	final SQLException failed(SQLException ex) {
		Route current = this.route;
		if (current == null) {
			return ex;
		}
		this.source.router().failed(current, ex);
		return WrongNodeErrors.enrich(ex, current);
	}

	@Override
	final void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", SqlStates.CONNECTION_DOES_NOT_EXIST);
		}
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		if (autoCommit == this.autoCommit) {
			return;
		}
		Connection connection = this.physical;
		Route current = this.route;
		if (connection != null && current != null) {
			try {
				if (autoCommit) {
					// Ends the transaction in progress (JDBC commits it).
					connection.setAutoCommit(true);
					this.autoCommit = true;
					releaseIfFreeAfterTransaction();
					return;
				}
				// A transaction begins after auto-commit work: it is routed on its own.
				if (mayEndBinding(current, this.readOnly)) {
					release();
				}
				else {
					connection.setAutoCommit(false);
				}
			}
			catch (SQLException ex) {
				throw failed(ex);
			}
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		endTransaction(true);
	}

	@Override
	public void rollback() throws SQLException {
		endTransaction(false);
	}

	private void endTransaction(boolean commit) throws SQLException {
		checkOpen();
		Connection connection = this.physical;
		if (connection == null) {
			if (this.autoCommit) {
				throw new SQLException("Cannot " + (commit ? "commit" : "rollback") + " when autoCommit is enabled",
						SqlStates.NO_ACTIVE_SQL_TRANSACTION);
			}
			return;
		}
		if (connection.isClosed()) {
			// The pool closed its connection after a fatal error (HikariCP does so for
			// SQLSTATE class 08, 0A000, ...): the transaction is gone with it. Ending it
			// releases the binding, so that the next transaction binds again.
			String pool = String.valueOf(this.route);
			release();
			if (commit) {
				throw new SQLException(
						"Cannot commit: the connection from " + pool
								+ " was closed after an error, and its transaction is lost",
						SqlStates.CONNECTION_DOES_NOT_EXIST);
			}
			return;
		}
		try {
			if (commit) {
				connection.commit();
			}
			else {
				connection.rollback();
			}
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		if (!this.autoCommit) {
			releaseIfFreeAfterTransaction();
		}
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		if (readOnly == this.readOnly) {
			return;
		}
		Connection connection = this.physical;
		Route current = this.route;
		if (connection != null && current != null) {
			if (this.autoCommit && mayEndBinding(current, readOnly)) {
				// The next use is routed again with the new flag.
				release();
			}
			else {
				connection.setReadOnly(readOnly);
			}
		}
		this.readOnly = readOnly;
	}

	@Override
	public void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		release();
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		return !this.closed && physical().isValid(timeout);
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		checkOpen();
		Connection connection = this.physical;
		return (connection != null) ? connection.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		checkOpen();
		Connection connection = this.physical;
		if (connection != null) {
			connection.clearWarnings();
		}
	}

	@Override
	public void abort(Executor executor) throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Connection connection = this.physical;
		Route aborted = this.route;
		this.physical = null;
		this.route = null;
		if (connection != null && aborted != null) {
			try {
				connection.abort(executor);
			}
			finally {
				// HikariCP's abort does not give the slot back: evict the connection.
				aborted.pool().dataSource().evictConnection(connection);
				this.source.router().released(aborted);
			}
		}
	}

	// Hints for pools that multiplex connections: a logical connection's binding already
	// follows its work, and passing them on would bind it.
	@Override
	public void beginRequest() {
	}

	@Override
	public void endRequest() {
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		physical().setNetworkTimeout(executor, milliseconds);
		this.pinned = true;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		// The caller gets the physical connection and may keep it: keep the binding too.
		T unwrapped = physical().unwrap(iface);
		this.pinned = true;
		return unwrapped;
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || physical().isWrapperFor(iface);
	}

	@Override
	public String toString() {
		Route current = this.route;
		return "RoutingConnection[" + ((current != null) ? current : (this.closed ? "closed" : "unbound")) + "]";
	}

}
