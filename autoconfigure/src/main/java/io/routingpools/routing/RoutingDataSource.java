package io.routingpools.routing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.routingpools.pool.NamedPools;
import io.routingpools.tenant.TenantSessionVariable;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The application's {@code DataSource}: hands out logical connections that bind to the
 * primary, a replica or an explicitly named pool at their first real use, and again for
 * each transaction (DESIGN section 4). It deliberately does not unwrap to any member
 * pool: inject a pool by its name as qualifier to reach it directly.
 */
public final class RoutingDataSource implements DataSource {

	/** The pools' default isolation is not known yet: the first binding learns it. */
	public static final int UNKNOWN_ISOLATION = -1;

	private static final Log logger = LogFactory.getLog(RoutingDataSource.class);

	private final Router router;

	private final boolean defaultAutoCommit;

	private final boolean autoCommitReadsToReplicas;

	// Whether the SQL of work outside transactions matters: for auto-commit reads, or for
	// the tokens recorded after auto-commit writes. Without either, it is never looked
	// at.
	private final boolean classifiesSqlOutsideTransactions;

	private final @Nullable TenantSessionVariable tenantVariable;

	private volatile int defaultIsolation;

	/**
	 * Create a routing data source.
	 * @param router decides the pool of each binding
	 * @param defaultAutoCommit auto-commit of a new logical connection (the pools'
	 * setting)
	 * @param defaultIsolation the pools' configured default isolation, or
	 * {@link #UNKNOWN_ISOLATION} to learn the server's default from the first connection
	 */
	public RoutingDataSource(Router router, boolean defaultAutoCommit, int defaultIsolation) {
		this(router, defaultAutoCommit, defaultIsolation, false);
	}

	/**
	 * Create a routing data source.
	 * @param router decides the pool of each binding
	 * @param defaultAutoCommit auto-commit of a new logical connection (the pools'
	 * setting)
	 * @param defaultIsolation the pools' configured default isolation, or
	 * {@link #UNKNOWN_ISOLATION} to learn the server's default from the first connection
	 * @param autoCommitReadsToReplicas whether plain reads outside transactions go to
	 * replicas ({@code routing.auto-commit-reads: replica}, DESIGN section 4 rule 4)
	 */
	public RoutingDataSource(Router router, boolean defaultAutoCommit, int defaultIsolation,
			boolean autoCommitReadsToReplicas) {
		this.router = router;
		this.defaultAutoCommit = defaultAutoCommit;
		this.defaultIsolation = defaultIsolation;
		this.autoCommitReadsToReplicas = autoCommitReadsToReplicas;
		this.classifiesSqlOutsideTransactions = autoCommitReadsToReplicas || router.consistency().recorder().records();
		String variable = router.tenants().sessionVariable();
		this.tenantVariable = (variable != null) ? new TenantSessionVariable(variable) : null;
	}

	Router router() {
		return this.router;
	}

	/**
	 * The setting that carries each binding's tenant, if configured.
	 */
	@Nullable TenantSessionVariable tenantVariable() {
		return this.tenantVariable;
	}

	boolean autoCommitReadsToReplicas() {
		return this.autoCommitReadsToReplicas;
	}

	boolean classifiesSqlOutsideTransactions() {
		return this.classifiesSqlOutsideTransactions;
	}

	int defaultIsolation() {
		return this.defaultIsolation;
	}

	void learnDefaultIsolation(int isolation) {
		this.defaultIsolation = isolation;
		if (!HotStandby.canRun(isolation) && !this.router.pools().replicas().isEmpty()) {
			logger.warn("The server's default transaction isolation is serializable (default_transaction_isolation), "
					+ "which a hot standby cannot run: every read-only transaction that does not set another "
					+ "isolation runs on the primary (route reason standby-unsupported). Set "
					+ "default_transaction_isolation to 'repeatable read' or lower for the role or database, or set "
					+ "routing-pools.defaults.transaction-isolation");
		}
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
		return new DelegatingRoutingConnection(this, this.defaultAutoCommit);
	}

	/**
	 * JDBC URL of the admin pool, for tools that derive a DataSource of their own from
	 * the application's (Spring Boot does for {@code spring.flyway.user} and
	 * {@code spring.liquibase.user} without a URL).
	 * @return the admin pool's URL
	 */
	public String getUrl() {
		return this.router.pools().admin().dataSource().getJdbcUrl();
	}

	/**
	 * Login user of the admin pool; see {@link #getUrl()}.
	 * @return the admin pool's user
	 */
	public String getUsername() {
		return this.router.pools().admin().dataSource().getUsername();
	}

	/**
	 * JDBC driver of the admin pool, if configured; see {@link #getUrl()}.
	 * @return the driver class name, or {@code null}
	 */
	public @Nullable String getDriverClassName() {
		return this.router.pools().admin().dataSource().getDriverClassName();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"The routing DataSource uses the credentials configured for each pool (routing-pools.*)",
				SqlStates.FEATURE_NOT_SUPPORTED);
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.router.pools().primary().dataSource().getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		throw new SQLFeatureNotSupportedException("Configure logging of each pool instead",
				SqlStates.FEATURE_NOT_SUPPORTED);
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		throw new SQLFeatureNotSupportedException("Set routing-pools.*.connection-timeout instead",
				SqlStates.FEATURE_NOT_SUPPORTED);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.router.pools().primary().dataSource().getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException("The routing DataSource does not log through java.util.logging",
				SqlStates.FEATURE_NOT_SUPPORTED);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		throw new SQLException(
				"RoutingDataSource is not a wrapper for " + iface.getName()
						+ "; inject a member pool with @Qualifier(\"<pool name>\") to reach it directly",
				SqlStates.FEATURE_NOT_SUPPORTED);
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
