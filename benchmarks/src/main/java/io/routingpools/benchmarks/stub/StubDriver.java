package io.routingpools.benchmarks.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver that talks to nothing, so that a benchmark measures the pool and the
 * routing layer rather than a database. Accepts URLs starting with {@code jdbc:stub:};
 * every statement returns one row with the integer {@code 1} in its single column.
 * Registered with {@link DriverManager} when the class loads; give HikariCP its class
 * name.
 * <p>
 * Connections allocate almost nothing after warm-up: each keeps one idle prepared
 * statement and each statement one result set, handed out again and again. That makes the
 * stub unfit for anything but benchmarks (a closed statement object may come back to life
 * as another statement of the same connection).
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

	@Override
	public Connection connect(String url, Properties info) {
		return acceptsURL(url) ? new StubConnection(url) : null;
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
