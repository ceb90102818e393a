package io.routingpools.routing;

import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;

/**
 * The statement-tracking part of a logical connection: wraps what a bound connection
 * hands out (statements, metadata) and tracks what keeps a binding into the next
 * transaction: the statements still open, and the physical connection itself once handed
 * out ({@code unwrap} to a driver type, {@code setNetworkTimeout}), until the logical
 * connection closes. Bindings are numbered, so that a statement of an earlier binding,
 * closed with it, does not count again.
 */
abstract class StatementTrackingConnection extends RecordingConnection {

	private int binding;

	private int openStatements;

	private boolean pinned;

	StatementTrackingConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
	}

	/**
	 * A driver call on this connection or one of its statements, result sets or metadata
	 * failed.
	 * @param ex the error from the driver
	 * @return the error to throw
	 */
	abstract SQLException failed(SQLException ex);

	/**
	 * The current binding's number, which each statement remembers.
	 * @return the number of bindings so far
	 */
	final int binding() {
		return this.binding;
	}

	final void bindingStarted() {
		this.binding++;
	}

	// The pool closes a binding's statements with its connection.
	final void bindingEnded() {
		this.openStatements = 0;
		this.pinned = false;
	}

	/**
	 * Whether the application holds nothing that needs the physical connection.
	 * @return {@code true} when no statement is open and nothing was handed out
	 */
	final boolean isFree() {
		return !this.pinned && this.openStatements == 0;
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

	/**
	 * A statement was closed.
	 * @param binding the binding it was created in
	 */
	final void statementClosed(int binding) {
		if (binding == this.binding && this.openStatements > 0) {
			this.openStatements--;
		}
	}

	final Statement wrap(Statement statement) {
		this.openStatements++;
		return new DelegatingRoutedStatement(this, statement);
	}

	final PreparedStatement wrap(PreparedStatement statement) {
		this.openStatements++;
		return new DelegatingRoutedPreparedStatement(this, statement);
	}

	final CallableStatement wrap(CallableStatement statement) {
		this.openStatements++;
		return new DelegatingRoutedCallableStatement(this, statement);
	}

	final DatabaseMetaData wrap(DatabaseMetaData metaData) {
		return new DelegatingRoutedDatabaseMetaData(this, metaData);
	}

}
