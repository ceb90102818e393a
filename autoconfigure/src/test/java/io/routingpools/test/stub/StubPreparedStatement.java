package io.routingpools.test.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;

/**
 * A statement of the {@link StubDriver}: ignores its parameters, and every query yields
 * the statement's one {@link StubResultSet}, rewound.
 */
public final class StubPreparedStatement extends PreparedStatementAdapter {

	private final StubConnection connection;

	private final StubResultSet resultSet = new StubResultSet(this);

	private boolean closed;

	private int queryTimeout;

	private int fetchSize;

	StubPreparedStatement(StubConnection connection) {
		this.connection = connection;
	}

	void reopen() {
		this.closed = false;
		this.queryTimeout = 0;
		this.fetchSize = 0;
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
	}

	@Override
	public void setLong(int parameterIndex, long x) {
	}

	@Override
	public void setString(int parameterIndex, String x) {
	}

	@Override
	public void setObject(int parameterIndex, Object x) {
	}

	@Override
	public void setNull(int parameterIndex, int sqlType) {
	}

	@Override
	public void clearParameters() {
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
