package io.routingpools.routing;

import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The statement-tracking part of a logical connection: wraps what a bound connection
 * hands out (statements, metadata) and tracks what keeps a binding into the next
 * transaction: the statements still open, and the physical connection itself once handed
 * out ({@code unwrap} to a driver type, {@code setNetworkTimeout}), until the logical
 * connection closes. Bindings are numbered, so that a statement of an earlier binding,
 * closed with it, does not count again. It also tracks whether anything has executed on
 * the binding yet, which decides whether a statement is created re-runnable
 * ({@link ReRuns}).
 */
abstract class StatementTrackingConnection extends RecordingConnection {

	private int binding;

	private int openStatements;

	private boolean pinned;

	// Whether a statement has executed on the current binding.
	private boolean executed;

	// Whether a statement has executed since the last commit or rollback.
	private boolean executedInTransaction;

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
	 * The first execution of a re-runnable statement failed: run it again on another
	 * binding if {@link ReRuns} allows, else throw the error.
	 * @param statement the statement
	 * @param statementBinding the binding it belongs to
	 * @param recording how to create it again
	 * @param ex the error of its execution
	 * @return the statement created again on the new binding, to repeat the execution on
	 * @throws SQLException {@code ex}, enriched, if it is not re-run; the error of the
	 * new binding, with {@code ex} suppressed, if that fails
	 */
	abstract Statement reRun(RoutedStatement statement, int statementBinding, StatementRecording recording,
			SQLException ex) throws SQLException;

	/**
	 * A plain statement is about to execute SQL, which was not known when it was created:
	 * outside a transaction, SQL that does not only read keeps the connection on the
	 * primary, and a statement created on a replica for a read moves there first.
	 * @param statement the statement
	 * @param statementBinding the binding it belongs to
	 * @param recording how to create it again, if it is re-runnable
	 * @param sql the SQL it executes
	 * @param batch whether the SQL is added to the statement's batch rather than executed
	 * @throws SQLException if moving the statement fails
	 */
	abstract void executingSql(RoutedStatement statement, int statementBinding, @Nullable StatementRecording recording,
			String sql, boolean batch) throws SQLException;

	/**
	 * A statement is about to execute on the binding it was created in, which may have
	 * been kept from an earlier transaction.
	 * @param statementBinding the binding it belongs to
	 * @throws SQLException if the work now in effect may not run on that binding
	 */
	abstract void statementExecuting(int statementBinding) throws SQLException;

	/**
	 * The application closed a statement.
	 */
	abstract void statementClosedByApplication();

	/**
	 * Whether a statement created now on the current binding may be re-run
	 * ({@link ReRuns}, conditions 1 and 2 so far).
	 * @return {@code true} if it should record the calls made on it
	 */
	abstract boolean reRunnable();

	/**
	 * The current binding's number, which each statement remembers.
	 * @return the number of bindings so far
	 */
	final int binding() {
		return this.binding;
	}

	final void bindingStarted() {
		this.binding++;
		this.executed = false;
		this.executedInTransaction = false;
	}

	/**
	 * A statement execution starts on the current binding.
	 * @return whether it is the first on the binding
	 */
	final boolean executing() {
		boolean first = !this.executed;
		this.executed = true;
		this.executedInTransaction = true;
		return first;
	}

	/**
	 * Whether a statement executed since the transaction ended last.
	 * @return {@code true} if the current transaction ran something
	 */
	final boolean executedInTransaction() {
		return this.executedInTransaction;
	}

	/**
	 * A transaction ended (commit, rollback, auto-commit switched on).
	 */
	final void transactionWorkEnded() {
		this.executedInTransaction = false;
	}

	/**
	 * Whether anything executed on the current binding.
	 * @return {@code true} after the first statement execution
	 */
	final boolean executedOnBinding() {
		return this.executed;
	}

	/**
	 * Whether the only thing the application holds of the current binding is one open
	 * statement.
	 * @return {@code true} if one statement is open and the connection was not handed out
	 */
	final boolean onlyOneOpenStatement() {
		return !this.pinned && this.openStatements == 1;
	}

	// A re-run statement now belongs to the new binding.
	final void statementReopened() {
		this.openStatements++;
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

	/**
	 * Wrap a statement the bound connection created.
	 * @param statement the driver's statement
	 * @param recording how to create it again, if it is re-runnable
	 * @return the wrapper
	 */
	final Statement wrap(Statement statement, @Nullable StatementRecording recording) {
		this.openStatements++;
		return new DelegatingRoutedStatement(this, statement, recording);
	}

	/**
	 * Wrap a prepared statement the bound connection created.
	 * @param statement the driver's statement
	 * @param recording how to create it again, if it is re-runnable
	 * @return the wrapper
	 */
	final PreparedStatement wrap(PreparedStatement statement, @Nullable StatementRecording recording) {
		this.openStatements++;
		return new DelegatingRoutedPreparedStatement(this, statement, recording);
	}

	// Callable statements are never re-run: their out parameters would not survive it.
	final CallableStatement wrap(CallableStatement statement) {
		this.openStatements++;
		return new DelegatingRoutedCallableStatement(this, statement, null);
	}

	// Metadata runs queries on the binding, which may observe a snapshot: statements
	// created after it are not re-run.
	final DatabaseMetaData wrap(DatabaseMetaData metaData) {
		this.executed = true;
		return new DelegatingRoutedDatabaseMetaData(this, metaData);
	}

}
