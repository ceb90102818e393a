package io.routingpools.test.stub;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.concurrent.Executor;

/**
 * A connection of the {@link StubDriver}: records its settings, does nothing else.
 */
public final class StubConnection extends ConnectionAdapter {

	private final String url;

	// Stands in for a real driver's socket buffers (pgjdbc allocates 8 KiB streams per
	// connection). Without it, pooled connections and HikariCP's PoolEntry objects,
	// created one
	// after the other, would sit in adjacent cache lines and two benchmark threads would
	// falsely share them, which no real driver does.
	@SuppressWarnings("unused")
	private final byte[] buffer = new byte[8192];

	private boolean closed;

	private boolean autoCommit = true;

	private boolean readOnly;

	private int isolation = Connection.TRANSACTION_READ_COMMITTED;

	private String catalog;

	private String schema = "public";

	private int networkTimeout;

	private int holdability = java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT;

	// What the next statement execution or result set fetch throws, if anything.
	private SQLException failure;

	// The statement handed out by the next prepareStatement, if it is closed.
	private StubPreparedStatement idle;

	StubConnection(String url) {
		this.url = url;
	}

	/**
	 * The URL this connection was opened with, so that a benchmark can check where it was
	 * routed.
	 * @return the JDBC URL
	 */
	public String url() {
		return this.url;
	}

	/**
	 * Make the next statement execution or result set fetch on this connection throw
	 * {@code failure}, as a real driver does when the server refuses the work (for
	 * example SQLSTATE 25006 on a standby) or the connection breaks (class 08).
	 * @param failure the error to throw once
	 */
	public void failNextCall(SQLException failure) {
		this.failure = failure;
	}

	void throwFailureIfAny() throws SQLException {
		SQLException next = this.failure;
		if (next != null) {
			this.failure = null;
			throw next;
		}
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		checkOpen();
		StubPreparedStatement statement = this.idle;
		if (statement != null) {
			this.idle = null;
			statement.reopen();
			return statement;
		}
		return new StubPreparedStatement(this);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return prepareStatement(sql);
	}

	@Override
	public Statement createStatement() throws SQLException {
		return prepareStatement("");
	}

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		checkOpen();
		return StubJdbcProxies.callableStatement(this);
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		checkOpen();
		return StubJdbcProxies.metaData(this);
	}

	void statementClosed(StubPreparedStatement statement) {
		this.idle = statement;
	}

	@Override
	public String nativeSQL(String sql) {
		return sql;
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		checkOpen();
		return this.autoCommit;
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		this.autoCommit = autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		checkOpen();
	}

	@Override
	public void rollback() throws SQLException {
		checkOpen();
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		checkOpen();
		return this.readOnly;
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		this.readOnly = readOnly;
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		checkOpen();
		return this.isolation;
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		checkOpen();
		this.isolation = level;
	}

	@Override
	public String getCatalog() {
		return this.catalog;
	}

	@Override
	public void setCatalog(String catalog) {
		this.catalog = catalog;
	}

	@Override
	public String getSchema() {
		return this.schema;
	}

	@Override
	public void setSchema(String schema) {
		this.schema = schema;
	}

	@Override
	public int getHoldability() {
		return this.holdability;
	}

	@Override
	public void setHoldability(int holdability) {
		this.holdability = holdability;
	}

	@Override
	public int getNetworkTimeout() {
		return this.networkTimeout;
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) {
		this.networkTimeout = milliseconds;
	}

	@Override
	public SQLWarning getWarnings() {
		return null;
	}

	@Override
	public void clearWarnings() {
	}

	@Override
	public boolean isValid(int timeout) {
		return !this.closed;
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	public void abort(Executor executor) {
		this.closed = true;
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

	@Override
	public String toString() {
		return "StubConnection[" + this.url + "]";
	}

}
