package io.routingpools.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * A statement of a {@link RoutingConnection} (plain, prepared or callable): reports the
 * logical connection as its own, tells it when it closes, and passes every driver error
 * through {@link RoutingConnection#failed(SQLException)}, so that wrong-node errors are
 * enriched with the route and connection errors reach the router. Its result sets are
 * wrapped too. The plain delegation of every other method is generated at build time
 * ({@code DelegatingRoutedStatement}, {@code DelegatingRoutedPreparedStatement},
 * {@code DelegatingRoutedCallableStatement}).
 * <p>
 * A statement created re-runnable ({@link ReRuns}) holds a {@link StatementRecording}
 * until its first execution: the generated setters add to it, any other generated call
 * but a plain getter drops it. If that first execution lost its connection, the logical
 * connection binds again, the statement is created again there and the execution
 * repeated, once ({@link RoutingConnection#reRun}); the driver statement it delegates to
 * is then the new one.
 */
abstract class RoutedStatement implements Statement {

	final StatementTrackingConnection connection;

	// Replaced when the statement is re-run on another connection.
	Statement delegate;

	// What it takes to re-run the statement, until its first execution; null if it is
	// not re-runnable. Read and written by the generated delegation.
	@Nullable StatementRecording recording;

	// The binding this statement belongs to: closing it counts only while that binding
	// lasts.
	private int binding;

	// Whether the connection still counts this statement as open.
	private boolean counted = true;

	RoutedStatement(StatementTrackingConnection connection, Statement delegate,
			@Nullable StatementRecording recording) {
		this.connection = connection;
		this.delegate = delegate;
		this.recording = recording;
		this.binding = connection.binding();
	}

	final SQLException failed(SQLException ex) {
		return this.connection.failed(ex);
	}

	/**
	 * Record a setter call for a re-run; called by the generated delegation only while
	 * {@link #recording} is set.
	 * @param call the call
	 */
	final void record(StatementRecording.StatementCall call) {
		StatementRecording current = this.recording;
		if (current != null) {
			current.add(call);
		}
	}

	/**
	 * Record a setter call whose value may not be replayable (see
	 * {@link StatementRecording#replayable(Object)}): if it is not, the statement is not
	 * re-runnable any more.
	 * @param value the value passed
	 * @param call the call
	 */
	final void record(@Nullable Object value, StatementRecording.StatementCall call) {
		if (StatementRecording.replayable(value)) {
			record(call);
		}
		else {
			this.recording = null;
		}
	}

	/**
	 * An execution that is never re-run starts: the binding has executed something, and
	 * this statement is not re-runnable any more.
	 * @throws SQLException if the work may not run on the statement's binding
	 */
	final void executing() throws SQLException {
		this.connection.statementExecuting(this.binding);
		this.recording = null;
		this.connection.executing();
	}

	/**
	 * An execution of the given SQL that is never re-run starts; see
	 * {@link #executing()}. The SQL may move the statement to the primary first
	 * ({@link StatementTrackingConnection#executingSql}).
	 * @param sql the SQL passed to the execution
	 * @throws SQLException if moving the statement fails
	 */
	final void executing(String sql) throws SQLException {
		this.connection.executingSql(this, this.binding, this.recording, sql, false);
		executing();
	}

	/**
	 * SQL is added to the statement's batch, to be executed later: it may move the
	 * statement to the primary, as {@link #executing(String)} does, and ends the
	 * recording.
	 * @param sql the SQL added
	 * @throws SQLException if moving the statement fails
	 */
	final void batching(String sql) throws SQLException {
		this.connection.executingSql(this, this.binding, this.recording, sql, true);
		this.recording = null;
	}

	/**
	 * An execution of the given SQL that may be re-run starts.
	 * @param sql the SQL passed to the execution
	 * @return the recording to re-run it with, if this is the statement's first execution
	 * and the first on its binding
	 */
	private @Nullable StatementRecording firstExecution(String sql) throws SQLException {
		this.connection.executingSql(this, this.binding, this.recording, sql, false);
		return firstExecution();
	}

	/**
	 * An execution that may be re-run starts.
	 * @return the recording to re-run it with, if this is the statement's first execution
	 * and the first on its binding
	 */
	private @Nullable StatementRecording firstExecution() throws SQLException {
		this.connection.statementExecuting(this.binding);
		StatementRecording current = this.recording;
		this.recording = null;
		boolean first = this.connection.executing();
		return first ? current : null;
	}

	final @Nullable ResultSet wrap(@Nullable ResultSet resultSet) {
		return (resultSet != null) ? new DelegatingRoutedResultSet(this, resultSet) : null;
	}

	/**
	 * The re-run statement replaces the lost one.
	 * @param statement the statement created again on the new binding
	 * @param newBinding the new binding's number
	 */
	final void rebound(Statement statement, int newBinding) {
		this.delegate = statement;
		this.binding = newBinding;
		this.counted = true;
	}

	/**
	 * Run a failed first execution again on a new binding, if it may be.
	 * @param recorded the recording, if this was the statement's first execution and the
	 * first on its binding
	 * @param ex the error of the execution
	 * @param execution the execution, applied to the statement created again
	 * @return the execution's result
	 * @throws SQLException {@code ex}, enriched, if it is not re-run; the second error,
	 * with {@code ex} suppressed, if the re-run fails
	 */
	private <T> T runAgain(@Nullable StatementRecording recorded, SQLException ex, Execution<T> execution)
			throws SQLException {
		if (recorded == null) {
			throw failed(ex);
		}
		Statement again = this.connection.reRun(this, this.binding, recorded, ex);
		try {
			return execution.run(again);
		}
		catch (SQLException second) {
			SQLException thrown = failed(second);
			thrown.addSuppressed(ex);
			throw thrown;
		}
	}

	// The executions that may be re-run wrap their result set at one place only, after
	// the re-run if any: a single allocation site keeps the wrapper eligible for escape
	// analysis on the hot path.

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		StatementRecording recorded = firstExecution(sql);
		ResultSet resultSet;
		try {
			resultSet = this.delegate.executeQuery(sql);
		}
		catch (SQLException ex) {
			resultSet = runAgain(recorded, ex, (again) -> again.executeQuery(sql));
		}
		return new DelegatingRoutedResultSet(this, resultSet);
	}

	@Override
	public boolean execute(String sql) throws SQLException {
		StatementRecording recorded = firstExecution(sql);
		try {
			return this.delegate.execute(sql);
		}
		catch (SQLException ex) {
			return runAgain(recorded, ex, (again) -> again.execute(sql));
		}
	}

	@Override
	public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
		StatementRecording recorded = firstExecution(sql);
		try {
			return this.delegate.execute(sql, autoGeneratedKeys);
		}
		catch (SQLException ex) {
			return runAgain(recorded, ex, (again) -> again.execute(sql, autoGeneratedKeys));
		}
	}

	@Override
	public boolean execute(String sql, int[] columnIndexes) throws SQLException {
		StatementRecording recorded = firstExecution(sql);
		try {
			return this.delegate.execute(sql, columnIndexes);
		}
		catch (SQLException ex) {
			return runAgain(recorded, ex, (again) -> again.execute(sql, columnIndexes));
		}
	}

	@Override
	public boolean execute(String sql, String[] columnNames) throws SQLException {
		StatementRecording recorded = firstExecution(sql);
		try {
			return this.delegate.execute(sql, columnNames);
		}
		catch (SQLException ex) {
			return runAgain(recorded, ex, (again) -> again.execute(sql, columnNames));
		}
	}

	/**
	 * {@link PreparedStatement#executeQuery()}, for the prepared and callable statements.
	 * @return the result set
	 * @throws SQLException if the driver fails, and a re-run did not apply or failed too
	 */
	public ResultSet executeQuery() throws SQLException {
		StatementRecording recorded = firstExecution();
		ResultSet resultSet;
		try {
			resultSet = ((PreparedStatement) this.delegate).executeQuery();
		}
		catch (SQLException ex) {
			resultSet = runAgain(recorded, ex, (again) -> ((PreparedStatement) again).executeQuery());
		}
		return new DelegatingRoutedResultSet(this, resultSet);
	}

	/**
	 * {@link PreparedStatement#execute()}, for the prepared and callable statements.
	 * @return whether the first result is a result set
	 * @throws SQLException if the driver fails, and a re-run did not apply or failed too
	 */
	public boolean execute() throws SQLException {
		StatementRecording recorded = firstExecution();
		try {
			return ((PreparedStatement) this.delegate).execute();
		}
		catch (SQLException ex) {
			return runAgain(recorded, ex, (again) -> ((PreparedStatement) again).execute());
		}
	}

	@Override
	public void close() throws SQLException {
		try {
			this.delegate.close();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			uncount();
			this.connection.statementClosedByApplication();
		}
	}

	// The driver closes the statement when its last result set closes, which may never be
	// seen here: stop counting it now, as the application means to let it go.
	@Override
	public void closeOnCompletion() throws SQLException {
		try {
			this.delegate.closeOnCompletion();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		uncount();
	}

	private void uncount() {
		if (this.counted) {
			this.counted = false;
			this.connection.statementClosed(this.binding);
		}
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

	@Override
	public String toString() {
		return "RoutedStatement[" + this.delegate + "]";
	}

	@FunctionalInterface
	private interface Execution<T> {

		T run(Statement statement) throws SQLException;

	}

}
