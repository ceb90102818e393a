package io.routingpools.test.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A JDBC driver that talks to nothing, so that a benchmark measures the pool and the
 * routing layer rather than a database. Accepts URLs starting with {@code jdbc:stub:};
 * every statement returns one row with the integer {@code 1} in its single column.
 * Registered with {@link DriverManager} when the class loads; give HikariCP its class
 * name.
 * <p>
 * Tests can make a URL refuse connections ({@link #refuse(String)}), break every
 * connection to a URL ({@link #breakConnections(String)}) and make a connection's next
 * call fail ({@link StubConnection#failNextCall(SQLException)}).
 * <p>
 * Connections allocate almost nothing after warm-up: each keeps one idle prepared
 * statement and each statement one result set, handed out again and again. That makes the
 * stub unfit for tests that keep statements after closing them (a closed statement object
 * may come back to life as another statement of the same connection).
 */
public final class StubDriver implements Driver {

	/** The prefix of every URL this driver accepts. */
	public static final String URL_PREFIX = "jdbc:stub:";

	static {
		try {
			DriverManager.registerDriver(new StubDriver());
		}
		catch (SQLException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final Set<String> refused = ConcurrentHashMap.newKeySet();

	private static final Set<String> broken = ConcurrentHashMap.newKeySet();

	// Whether any URL is broken: the one check an execution pays when none is.
	private static volatile boolean anyBroken;

	/**
	 * Make every statement execution on connections to {@code url}, open or new, fail
	 * with SQLSTATE 08006, as connections to a node that died do, until
	 * {@link #repair(String)}.
	 * @param url a stub URL
	 */
	public static void breakConnections(String url) {
		broken.add(url);
		anyBroken = true;
	}

	/**
	 * Let statements on connections to {@code url} run again.
	 * @param url a stub URL
	 */
	public static void repair(String url) {
		broken.remove(url);
		anyBroken = !broken.isEmpty();
	}

	static void throwIfBroken(String url) throws SQLException {
		if (anyBroken && broken.contains(url)) {
			throw new SQLException("An I/O error occurred while sending to the backend (stub: " + url + " is broken)",
					"08006");
		}
	}

	/**
	 * Make new connections to {@code url} fail with SQLSTATE 08001, as a server that is
	 * down would, until {@link #accept(String)}.
	 * @param url a stub URL
	 */
	public static void refuse(String url) {
		refused.add(url);
	}

	/**
	 * Let new connections to {@code url} succeed again.
	 * @param url a stub URL
	 */
	public static void accept(String url) {
		refused.remove(url);
	}

	/**
	 * Whether new connections to {@code url} fail.
	 * @param url a stub URL
	 * @return {@code true} after {@link #refuse(String)}, until {@link #accept(String)}
	 */
	public static boolean isRefused(String url) {
		return refused.contains(url);
	}

	@Override
	public Connection connect(String url, Properties info) throws SQLException {
		if (!acceptsURL(url)) {
			return null;
		}
		if (refused.contains(url)) {
			throw new SQLException("Connection to " + url + " refused (stub)", "08001");
		}
		return new StubConnection(url);
	}

	@Override
	public boolean acceptsURL(String url) {
		return url != null && url.startsWith(URL_PREFIX);
	}

	@Override
	public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
		return new DriverPropertyInfo[0];
	}

	@Override
	public int getMajorVersion() {
		return 1;
	}

	@Override
	public int getMinorVersion() {
		return 0;
	}

	@Override
	public boolean jdbcCompliant() {
		return false;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException("The stub driver does not log");
	}

}
