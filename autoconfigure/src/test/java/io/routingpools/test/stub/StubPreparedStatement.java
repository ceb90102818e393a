package io.routingpools.test.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.HashMap;
import java.util.Map;

/**
 * A statement of the {@link StubDriver}: keeps its SQL and parameters for tests to check,
 * and every query yields the statement's one {@link StubResultSet}, rewound.
 */
public final class StubPreparedStatement extends PreparedStatementAdapter {

	private final StubConnection connection;

	private final StubResultSet resultSet = new StubResultSet(this);

	private boolean closed;

	private int queryTimeout;

	private int fetchSize;

	private String sql;

	// Created at the first parameter set, which the benchmarks never do.
	private Map<Integer, Object> parameters;

	StubPreparedStatement(StubConnection connection, String sql) {
		this.connection = connection;
		this.sql = sql;
	}

	void reopen(String sql) {
		this.closed = false;
		this.queryTimeout = 0;
		this.fetchSize = 0;
		this.sql = sql;
		this.parameters = null;
	}

	/**
	 * The SQL the statement was prepared with ({@code ""} for a plain statement).
	 * @return the SQL
	 */
	public String sql() {
		return this.sql;
	}

	/**
	 * A parameter's value, as last set.
	 * @param index the parameter index
	 * @return the value, or {@code null} if not set
	 */
	public Object parameter(int index) {
		return (this.parameters != null) ? this.parameters.get(index) : null;
	}

	private void parameter(int index, Object value) {
		if (this.parameters == null) {
			this.parameters = new HashMap<>();
		}
		this.parameters.put(index, value);
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Statement is closed");
		}
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

	/**
	 * The connection this statement belongs to.
	 * @return the stub connection
	 */
	public StubConnection stubConnection() {
		return this.connection;
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		checkOpen();
		this.connection.throwFailureIfAny();
		return this.resultSet.rewind();
	}

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		return executeQuery();
	}

	@Override
	public boolean execute() throws SQLException {
		executeQuery();
		return true;
	}

	@Override
	public boolean execute(String sql) throws SQLException {
		return execute();
	}

	@Override
	public int executeUpdate() throws SQLException {
		checkOpen();
		this.connection.throwFailureIfAny();
		return 0;
	}

	@Override
	public int executeUpdate(String sql) throws SQLException {
		return executeUpdate();
	}

	@Override
	public ResultSet getResultSet() {
		return this.resultSet.isClosed() ? null : this.resultSet;
	}

	@Override
	public int getUpdateCount() {
		return -1;
	}

	@Override
	public boolean getMoreResults() {
		this.resultSet.close();
		return false;
	}

	@Override
	public void setInt(int parameterIndex, int x) {
		parameter(parameterIndex, x);
	}

	@Override
	public void setLong(int parameterIndex, long x) {
		parameter(parameterIndex, x);
	}

	@Override
	public void setString(int parameterIndex, String x) {
		parameter(parameterIndex, x);
	}

	@Override
	public void setObject(int parameterIndex, Object x) {
		parameter(parameterIndex, x);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType) {
		parameter(parameterIndex, null);
	}

	@Override
	public void setBinaryStream(int parameterIndex, java.io.InputStream x) {
		parameter(parameterIndex, x);
	}

	@Override
	public void clearParameters() {
		this.parameters = null;
	}

	@Override
	public void closeOnCompletion() {
	}

	@Override
	public int getQueryTimeout() {
		return this.queryTimeout;
	}

	@Override
	public void setQueryTimeout(int seconds) {
		this.queryTimeout = seconds;
	}

	@Override
	public int getFetchSize() {
		return this.fetchSize;
	}

	@Override
	public void setFetchSize(int rows) {
		this.fetchSize = rows;
	}

	@Override
	public SQLWarning getWarnings() {
		return null;
	}

	@Override
	public void clearWarnings() {
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.resultSet.close();
			this.connection.statementClosed(this);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		throw new SQLException("Not a wrapper for " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

}
