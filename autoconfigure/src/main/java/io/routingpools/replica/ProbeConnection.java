package io.routingpools.replica;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.pool.NamedPool;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's own connection to one node, opened with the node's pool settings (URL,
 * credentials, driver properties) but never taken from the pool, and kept open between
 * checks. Every probe on it is bounded twice by the probe timeout: on the server
 * ({@code statement_timeout}) and on the socket (pgjdbc's network timeout), so that a
 * hung or black-holed node fails the check instead of holding it. Opening a connection is
 * bounded by the pool's {@code connection-timeout}, as a request thread's would be, and
 * by {@link #MAX_CONNECT_TIME} at most. Any failure closes the connection; the next check
 * opens a new one.
 */
final class ProbeConnection implements AutoCloseable {

	/**
	 * The {@code application_name} of monitor sessions, as seen in
	 * {@code pg_stat_activity}.
	 */
	static final String APPLICATION_NAME = "routing-pools-monitor";

	/** Longest a probe connection may take to open, whatever the pool allows. */
	static final Duration MAX_CONNECT_TIME = Duration.ofSeconds(5);

	private final NamedPool pool;

	private final Duration probeTimeout;

	private @Nullable Connection connection;

	ProbeConnection(NamedPool pool, Duration probeTimeout) {
		this.pool = pool;
		this.probeTimeout = probeTimeout;
	}

	/**
	 * The open connection, opened if needed.
	 * @return a connection whose calls are bounded by the probe timeout
	 * @throws SQLException if the node cannot be reached
	 */
	Connection get() throws SQLException {
		Connection open = this.connection;
		if (open != null) {
			return open;
		}
		HikariDataSource settings = this.pool.dataSource();
		String url = settings.getJdbcUrl();
		if (url == null) {
			throw new SQLException("Pool '" + this.pool.name() + "' has no jdbc-url for the monitor to connect to",
					"08001");
		}
		Properties properties = new Properties();
		properties.putAll(settings.getDataSourceProperties());
		putIfPresent(properties, "user", settings.getUsername());
		putIfPresent(properties, "password", settings.getPassword());
		properties.setProperty("ApplicationName", APPLICATION_NAME);
		// pgjdbc reads loginTimeout as (fractional) seconds and bounds the whole
		// connection attempt with it, unlike connectTimeout (TCP connect only).
		long connectMillis = Math.min(settings.getConnectionTimeout(), MAX_CONNECT_TIME.toMillis());
		properties.setProperty("loginTimeout", Double.toString(connectMillis / 1000.0));
		properties.setProperty("socketTimeout", "0");
		open = DriverManager.getConnection(url, properties);
		try {
			open.setAutoCommit(true);
			open.setNetworkTimeout(Runnable::run, (int) this.probeTimeout.toMillis());
			try (var statement = open.createStatement()) {
				statement.execute("SET statement_timeout = " + this.probeTimeout.toMillis());
			}
		}
		catch (SQLException ex) {
			closeQuietly(open);
			throw ex;
		}
		this.connection = open;
		return open;
	}

	/**
	 * Forget the connection after a failure; the next {@link #get()} opens another.
	 */
	@Override
	public void close() {
		Connection open = this.connection;
		this.connection = null;
		if (open != null) {
			closeQuietly(open);
		}
	}

	/**
	 * Whether an error means the probe took longer than the probe timeout: the server
	 * canceled it ({@code 57014}), or the socket timed out.
	 * @param ex the probe's error
	 * @return whether it was too slow rather than refused
	 */
	static boolean isTimeout(SQLException ex) {
		if (ex instanceof SQLTimeoutException || "57014".equals(ex.getSQLState())) {
			return true;
		}
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof SocketTimeoutException) {
				return true;
			}
		}
		return false;
	}

	private static void putIfPresent(Properties properties, String key, @Nullable String value) {
		if (value != null) {
			properties.setProperty(key, value);
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// Already broken: nothing to give back.
		}
	}

}
