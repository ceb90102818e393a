package io.routingpools.routing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.routingpools.pool.NamedPools;

/**
 * The application's {@code DataSource}: hands out logical connections that bind to the
 * primary, a replica or an explicitly named pool at their first real use, and again for
 * each transaction (DESIGN section 4). It deliberately does not unwrap to any member pool:
 * inject a pool by its name as qualifier to reach it directly.
 */
public final class RoutingDataSource implements DataSource {

	private final Router router;

	private final boolean defaultAutoCommit;

	private final int defaultIsolation;

	/**
	 * Create a routing data source.
	 * @param router decides the pool of each binding
	 * @param defaultAutoCommit auto-commit of a new logical connection (the pools' setting)
	 * @param defaultIsolation isolation reported by a logical connection before it binds
	 */
	public RoutingDataSource(Router router, boolean defaultAutoCommit, int defaultIsolation) {
		this.router = router;
		this.defaultAutoCommit = defaultAutoCommit;
		this.defaultIsolation = defaultIsolation;
	}

	/**
	 * The pools this data source routes to.
	 * @return the pools
	 */
	public NamedPools pools() {
		return this.router.pools();
	}

	@Override
	public Connection getConnection() {
		return new RoutingConnection(this.router, this.defaultAutoCommit, this.defaultIsolation);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"The routing DataSource uses the credentials configured for each pool (routing-pools.*)");
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.router.pools().primary().dataSource().getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		throw new SQLFeatureNotSupportedException("Configure logging of each pool instead");
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		throw new SQLFeatureNotSupportedException("Set routing-pools.*.connection-timeout instead");
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.router.pools().primary().dataSource().getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		throw new SQLException("RoutingDataSource is not a wrapper for " + iface.getName()
				+ "; inject a member pool with @Qualifier(\"<pool name>\") to reach it directly");
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

	@Override
	public String toString() {
		return "RoutingDataSource" + this.router.pools().names();
	}

}
