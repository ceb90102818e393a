package io.routingpools.routing;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.PoolRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A logical connection that binds to a physical pool connection at its first real use and
 * releases it when its transaction ends, so that each transaction is routed on its own
 * (DESIGN section 4). Until it is bound, settings such as auto-commit, read-only and
 * isolation are only recorded; they are applied to the physical connection when it binds.
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
final class RoutingConnection implements Connection {

	private static final Log logger = LogFactory.getLog(RoutingConnection.class);

	private final RoutingDataSource source;

	private @Nullable Connection physical;

	private @Nullable Route route;

	private boolean closed;

	private int openStatements;

	// Callable statements are not wrapped: they are checked for isClosed() instead.
	private @Nullable List<Statement> openCallables;

	private boolean pinned;

	private boolean autoCommit;

	private boolean readOnly;

	private int isolation;

	private boolean isolationSet;

	private @Nullable String catalog;

	private @Nullable String schema;

	private int holdability;

	private boolean holdabilitySet;

	private @Nullable Map<String, Class<?>> typeMap;

	private @Nullable Properties clientInfo;

	RoutingConnection(RoutingDataSource source, boolean autoCommit) {
		this.source = source;
		this.autoCommit = autoCommit;
	}

	void bound(Route route) {
		this.route = route;
	}

	// The route is set whenever the physical connection is.
	private static Route requireBound(@Nullable Route route) {
		if (route == null) {
			throw new IllegalStateException("Not bound to a pool");
		}
		return route;
	}

	private Connection physical() throws SQLException {
		Connection connection = this.physical;
		if (connection != null) {
			String explicit = PoolRouting.currentPool();
			if (explicit == null || explicit.equals(requireBound(this.route).pool().name())) {
				return connection;
			}
			if (!this.autoCommit || !isFree()) {
				throw new SQLException("Pool '" + explicit + "' was requested (@UsePool or PoolRouting) inside a "
						+ "transaction already bound to pool '" + requireBound(this.route).pool().name()
						+ "'; start a new transaction (for example with REQUIRES_NEW) to use another pool");
			}
			release();
		}
		return bind();
	}

	/**
	 * Whether the binding may end before work with the given read-only flag starts
	 * outside a transaction: nothing needs it, or the bound pool cannot serve that work
	 * anyway.
	 */
	private boolean mayEndBinding(boolean readOnly) throws SQLException {
		return isFree() || !boundPoolServes(readOnly);
	}

	/**
	 * Whether the bound pool can serve work with the given read-only flag under the
	 * current explicit route. A replica cannot serve writes; another named pool cannot
	 * serve at all.
	 */
	private boolean boundPoolServes(boolean readOnly) {
		String explicit = PoolRouting.currentPool();
		if (explicit != null) {
			return explicit.equals(requireBound(this.route).pool().name());
		}
		return readOnly || requireBound(this.route).pool().role() != PoolRole.REPLICA;
	}

	private Connection bind() throws SQLException {
		checkOpen();
		Connection connection = this.source.router().acquire(this, this.readOnly);
		try {
			if (!this.isolationSet && this.source.defaultIsolation() == RoutingDataSource.UNKNOWN_ISOLATION) {
				this.source.learnDefaultIsolation(connection.getTransactionIsolation());
			}
			applyState(connection);
		}
		catch (SQLException | RuntimeException ex) {
			Route failed = requireBound(this.route);
			this.route = null;
			this.source.router().released(failed);
			connection.close();
			throw ex;
		}
		this.physical = connection;
		return connection;
	}

	// A connection fresh from its pool has the pool's defaults (HikariCP resets what
	// changed),
	// so only the differences cost a call.
	private void applyState(Connection connection) throws SQLException {
		NamedPool pool = requireBound(this.route).pool();
		if (pool.autoCommitByDefault() != this.autoCommit) {
			connection.setAutoCommit(this.autoCommit);
		}
		if (this.readOnly && !pool.readOnlyByDefault()) {
			connection.setReadOnly(true);
		}
		if (this.isolationSet) {
			connection.setTransactionIsolation(this.isolation);
		}
		if (this.catalog != null) {
			connection.setCatalog(this.catalog);
		}
		if (this.schema != null) {
			connection.setSchema(this.schema);
		}
		if (this.holdabilitySet) {
			connection.setHoldability(this.holdability);
		}
		if (this.typeMap != null) {
			connection.setTypeMap(this.typeMap);
		}
		if (this.clientInfo != null) {
			connection.setClientInfo(this.clientInfo);
		}
	}

	/**
	 * Whether the application holds nothing that needs the physical connection.
	 */
	private boolean isFree() throws SQLException {
		if (this.pinned || this.openStatements > 0) {
			return false;
		}
		List<Statement> callables = this.openCallables;
		if (callables != null) {
			for (Statement callable : callables) {
				if (!callable.isClosed()) {
					return false;
				}
			}
			this.openCallables = null;
		}
		return true;
	}

	/**
	 * End the binding after a transaction ended, if the application holds nothing that
	 * needs the physical connection. The transaction's outcome is settled: a failure to
	 * give the connection back is logged, not thrown.
	 */
	private void releaseIfFreeAfterTransaction() {
		try {
			if (isFree()) {
				release();
			}
		}
		catch (SQLException ex) {
			logger.warn("Could not return a connection to pool '" + poolName() + "' after its transaction ended", ex);
		}
	}

	private String poolName() {
		Route current = this.route;
		return (current != null) ? current.pool().name() : "?";
	}

	private void release() throws SQLException {
		Connection connection = this.physical;
		Route released = this.route;
		this.physical = null;
		this.route = null;
		this.openStatements = 0;
		this.openCallables = null;
		this.pinned = false;
		if (connection != null) {
			try {
				connection.close();
			}
			finally {
				this.source.router().released(requireBound(released));
			}
		}
	}

	void statementClosed() {
		if (this.openStatements > 0) {
			this.openStatements--;
		}
	}

	private Statement track(Statement statement) {
		this.openStatements++;
		return new RoutedStatement(this, statement);
	}

	private PreparedStatement track(PreparedStatement statement) {
		this.openStatements++;
		return new RoutedPreparedStatement(this, statement);
	}

	/**
	 * A statement of this connection failed: let the router learn from a connection
	 * error, and add which pool served this connection and why to a "read-only
	 * transaction" error (SQLSTATE 25006), so that a write in read-only work is found at
	 * once.
	 * @param ex the error from the driver
	 * @return the error to throw: enriched, or {@code ex} itself
	 */
	SQLException statementFailed(SQLException ex) {
		Route current = this.route;
		if (current == null) {
			return ex;
		}
		this.source.router().statementFailed(current, ex);
		return WrongNodeErrors.enrich(ex, current);
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
	}

	@Override
	public Statement createStatement() throws SQLException {
		return track(physical().createStatement());
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return track(physical().createStatement(resultSetType, resultSetConcurrency));
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
			throws SQLException {
		return track(physical().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return track(physical().prepareStatement(sql));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return track(physical().prepareStatement(sql, resultSetType, resultSetConcurrency));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return track(physical().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return track(physical().prepareStatement(sql, autoGeneratedKeys));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return track(physical().prepareStatement(sql, columnIndexes));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return track(physical().prepareStatement(sql, columnNames));
	}

	// Callable statements are rare and their interface is large: they are not wrapped (so
	// neither enriched nor reporting the logical connection); the binding is kept while
	// any
	// of them is open.
	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return trackCallable(physical().prepareCall(sql));
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return trackCallable(physical().prepareCall(sql, resultSetType, resultSetConcurrency));
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return trackCallable(physical().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
	}

	private CallableStatement trackCallable(CallableStatement statement) {
		if (this.openCallables == null) {
			this.openCallables = new ArrayList<>(2);
		}
		this.openCallables.add(statement);
		return statement;
	}

	@Override
	public String nativeSQL(String sql) throws SQLException {
		return physical().nativeSQL(sql);
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		if (autoCommit == this.autoCommit) {
			return;
		}
		Connection connection = this.physical;
		if (connection != null && autoCommit) {
			// Ends the transaction in progress (JDBC commits it).
			connection.setAutoCommit(true);
			this.autoCommit = true;
			releaseIfFreeAfterTransaction();
			return;
		}
		if (connection != null) {
			// A transaction begins after auto-commit work: it is routed on its own.
			if (mayEndBinding(this.readOnly)) {
				release();
			}
			else {
				connection.setAutoCommit(false);
			}
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		checkOpen();
		return this.autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		checkOpen();
		Connection connection = this.physical;
		if (connection == null) {
			checkManualCommit("commit");
			return;
		}
		connection.commit();
		if (!this.autoCommit) {
			releaseIfFreeAfterTransaction();
		}
	}

	@Override
	public void rollback() throws SQLException {
		checkOpen();
		Connection connection = this.physical;
		if (connection == null) {
			checkManualCommit("rollback");
			return;
		}
		connection.rollback();
		if (!this.autoCommit) {
			releaseIfFreeAfterTransaction();
		}
	}

	private void checkManualCommit(String operation) throws SQLException {
		if (this.autoCommit) {
			throw new SQLException("Cannot " + operation + " when autoCommit is enabled", "25000");
		}
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
	public DatabaseMetaData getMetaData() throws SQLException {
		return physical().getMetaData();
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		if (readOnly == this.readOnly) {
			return;
		}
		Connection connection = this.physical;
		if (connection != null) {
			if (this.autoCommit && mayEndBinding(readOnly)) {
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
	public boolean isReadOnly() throws SQLException {
		checkOpen();
		return this.readOnly;
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setCatalog(catalog);
		}
		this.catalog = catalog;
	}

	@Override
	public String getCatalog() throws SQLException {
		return physical().getCatalog();
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setTransactionIsolation(level);
		}
		this.isolation = level;
		// Setting the pools' default (Spring restoring it after a transaction) needs no
		// round trip at the next binding: the pool resets isolation itself.
		this.isolationSet = level != this.source.defaultIsolation();
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		checkOpen();
		if (this.physical != null) {
			return this.physical.getTransactionIsolation();
		}
		if (this.isolationSet) {
			return this.isolation;
		}
		int defaultIsolation = this.source.defaultIsolation();
		return (defaultIsolation != RoutingDataSource.UNKNOWN_ISOLATION) ? defaultIsolation
				: physical().getTransactionIsolation();
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		checkOpen();
		return (this.physical != null) ? this.physical.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.clearWarnings();
		}
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		return physical().getTypeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setTypeMap(map);
		}
		this.typeMap = map;
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setHoldability(holdability);
		}
		this.holdability = holdability;
		this.holdabilitySet = true;
	}

	@Override
	public int getHoldability() throws SQLException {
		return physical().getHoldability();
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		return physical().setSavepoint();
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		return physical().setSavepoint(name);
	}

	@Override
	public void rollback(Savepoint savepoint) throws SQLException {
		physical().rollback(savepoint);
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		physical().releaseSavepoint(savepoint);
	}

	@Override
	public Clob createClob() throws SQLException {
		return physical().createClob();
	}

	@Override
	public Blob createBlob() throws SQLException {
		return physical().createBlob();
	}

	@Override
	public NClob createNClob() throws SQLException {
		return physical().createNClob();
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		return physical().createSQLXML();
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		return !this.closed && physical().isValid(timeout);
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		checkOpenForClientInfo();
		if (this.physical != null) {
			this.physical.setClientInfo(name, value);
		}
		if (this.clientInfo == null) {
			this.clientInfo = new Properties();
		}
		this.clientInfo.setProperty(name, value);
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		checkOpenForClientInfo();
		if (this.physical != null) {
			this.physical.setClientInfo(properties);
		}
		this.clientInfo = new Properties();
		this.clientInfo.putAll(properties);
	}

	private void checkOpenForClientInfo() throws SQLClientInfoException {
		if (this.closed) {
			throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
		}
	}

	@Override
	public String getClientInfo(String name) throws SQLException {
		return physical().getClientInfo(name);
	}

	@Override
	public Properties getClientInfo() throws SQLException {
		return physical().getClientInfo();
	}

	@Override
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		return physical().createArrayOf(typeName, elements);
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		return physical().createStruct(typeName, attributes);
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setSchema(schema);
		}
		this.schema = schema;
	}

	@Override
	public String getSchema() throws SQLException {
		return physical().getSchema();
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
		if (connection != null) {
			try {
				connection.abort(executor);
			}
			finally {
				Route route = requireBound(aborted);
				// HikariCP's abort does not give the slot back: evict the connection.
				route.pool().dataSource().evictConnection(connection);
				this.source.router().released(route);
			}
		}
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		physical().setNetworkTimeout(executor, milliseconds);
		this.pinned = true;
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		return physical().getNetworkTimeout();
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
