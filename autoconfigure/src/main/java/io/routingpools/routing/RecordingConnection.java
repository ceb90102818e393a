package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Map;
import java.util.Properties;

import io.routingpools.pool.NamedPool;
import org.jspecify.annotations.Nullable;

/**
 * The settings half of a logical connection. While it is not bound, a logical connection
 * only records auto-commit, read-only and, in {@link SessionSettings} when the
 * application sets them, isolation, catalog, schema, holdability, type map and client
 * info; it replays them on each physical connection it binds. Only the differences from
 * the pool's settings cost a call for auto-commit, read-only and isolation, which
 * HikariCP resets when a connection returns to its pool. Catalog, schema, holdability,
 * type map and client info are replayed whenever the application set them; HikariCP does
 * not reset all of them (client info, type map, holdability, and the schema of a pool
 * that configures none), so, as with plain HikariCP, they stay on the physical connection
 * after it returns.
 */
abstract class RecordingConnection implements Connection {

	final RoutingDataSource source;

	boolean autoCommit;

	boolean readOnly;

	// Created when the application first sets anything but auto-commit or read-only.
	private @Nullable SessionSettings settings;

	RecordingConnection(RoutingDataSource source, boolean autoCommit) {
		this.source = source;
		this.autoCommit = autoCommit;
	}

	/**
	 * The physical connection while one is bound.
	 * @return the bound connection, or {@code null}
	 */
	abstract @Nullable Connection bound();

	/**
	 * The physical connection, bound first if needed.
	 * @return the bound connection
	 * @throws SQLException if the connection is closed or no pool can provide one
	 */
	abstract Connection physical() throws SQLException;

	abstract void checkOpen() throws SQLException;

	/**
	 * The pool named for the next work on this connection.
	 * @return the pool name, or {@code null} when it is routed automatically
	 */
	abstract @Nullable String routeOfNextWork();

	/**
	 * Apply the recorded settings to a physical connection that was just borrowed.
	 * @param physical the connection, with its pool's defaults
	 * @param pool the pool it came from
	 * @param readOnly whether the work it serves is read-only
	 * @return whether the pools' default isolation was learned from this connection
	 * @throws SQLException if the driver refuses a setting
	 */
	final boolean replay(Connection physical, NamedPool pool, boolean readOnly) throws SQLException {
		SessionSettings recorded = this.settings;
		boolean isolationSet = recorded != null && recorded.isolationSet;
		int poolIsolation = pool.isolationByDefault();
		int defaultIsolation = this.source.defaultIsolation();
		boolean learned = false;
		if (!isolationSet && poolIsolation == NamedPool.ISOLATION_NOT_CONFIGURED
				&& defaultIsolation == RoutingDataSource.UNKNOWN_ISOLATION) {
			defaultIsolation = physical.getTransactionIsolation();
			this.source.learnDefaultIsolation(defaultIsolation);
			learned = true;
		}
		if (pool.autoCommitByDefault() != this.autoCommit) {
			physical.setAutoCommit(this.autoCommit);
		}
		if (readOnly && !pool.readOnlyByDefault()) {
			physical.setReadOnly(true);
		}
		if (recorded != null) {
			recorded.replay(physical,
					(poolIsolation != NamedPool.ISOLATION_NOT_CONFIGURED) ? poolIsolation : defaultIsolation);
		}
		return learned;
	}

	/**
	 * Isolation of the work about to run.
	 * @return the level set on this connection, else the pools' default, or
	 * {@link RoutingDataSource#UNKNOWN_ISOLATION} before that is known
	 */
	public int transactionIsolation() {
		SessionSettings recorded = this.settings;
		return (recorded != null && recorded.isolationSet) ? recorded.isolation : this.source.defaultIsolation();
	}

	// A setting changes the bound connection at once, and is recorded for later bindings.
	private void applyIfBound(SettingChange change) throws SQLException {
		checkOpen();
		Connection physical = bound();
		if (physical != null) {
			change.applyTo(physical);
		}
	}

	private SessionSettings settings() {
		SessionSettings recorded = this.settings;
		if (recorded == null) {
			recorded = new SessionSettings();
			this.settings = recorded;
		}
		return recorded;
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		checkOpen();
		return this.autoCommit;
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		checkOpen();
		return this.readOnly;
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		applyIfBound((physical) -> physical.setTransactionIsolation(level));
		// Setting the pools' default (Spring restoring it after a transaction) needs no
		// round trip at the next binding, nor a record: the pool resets isolation itself.
		boolean isDefault = level == defaultIsolationOfNextWork();
		if (!isDefault || this.settings != null) {
			SessionSettings recorded = settings();
			recorded.isolation = level;
			recorded.isolationSet = !isDefault;
		}
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		checkOpen();
		Connection physical = bound();
		if (physical != null) {
			return physical.getTransactionIsolation();
		}
		SessionSettings recorded = this.settings;
		if (recorded != null && recorded.isolationSet) {
			return recorded.isolation;
		}
		int defaultIsolation = defaultIsolationOfNextWork();
		return (defaultIsolation != RoutingDataSource.UNKNOWN_ISOLATION) ? defaultIsolation
				: physical().getTransactionIsolation();
	}

	/**
	 * The default isolation of the pool the next work binds to: that of a pool named for
	 * it with an isolation of its own (admin may have one), else the pools' default.
	 */
	private int defaultIsolationOfNextWork() {
		String named = routeOfNextWork();
		if (named != null) {
			NamedPool pool = this.source.pools().find(named);
			if (pool != null && pool.isolationByDefault() != NamedPool.ISOLATION_NOT_CONFIGURED) {
				return pool.isolationByDefault();
			}
		}
		return this.source.defaultIsolation();
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		applyIfBound((physical) -> physical.setCatalog(catalog));
		settings().catalog = catalog;
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		applyIfBound((physical) -> physical.setSchema(schema));
		settings().schema = schema;
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		applyIfBound((physical) -> physical.setHoldability(holdability));
		SessionSettings recorded = settings();
		recorded.holdability = holdability;
		recorded.holdabilitySet = true;
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		applyIfBound((physical) -> physical.setTypeMap(map));
		settings().typeMap = map;
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		checkOpenForClientInfo();
		Connection physical = bound();
		if (physical != null) {
			physical.setClientInfo(name, value);
		}
		settings().clientInfo(name, value);
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		checkOpenForClientInfo();
		Connection physical = bound();
		if (physical != null) {
			physical.setClientInfo(properties);
		}
		settings().clientInfo(properties);
	}

	private void checkOpenForClientInfo() throws SQLClientInfoException {
		if (isClosed()) {
			throw new SQLClientInfoException("Connection is closed", SqlStates.CONNECTION_DOES_NOT_EXIST, 0, Map.of());
		}
	}

	@Override
	public abstract boolean isClosed();

	// Calls answered without binding: warnings belong to the bound physical connection,
	// if any, and validity is asked of the connection the next work would use.

	@Override
	public boolean isValid(int timeout) throws SQLException {
		return !isClosed() && physical().isValid(timeout);
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		checkOpen();
		Connection connection = bound();
		return (connection != null) ? connection.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		checkOpen();
		Connection connection = bound();
		if (connection != null) {
			connection.clearWarnings();
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

	@FunctionalInterface
	private interface SettingChange {

		void applyTo(Connection physical) throws SQLException;

	}

}
