package io.routingpools.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * One started HikariCP pool with its name and role. Borrowing applies the pool's
 * admission limit ({@code max-waiting}) before queueing in HikariCP.
 */
public final class NamedPool {

	/**
	 * SQLSTATE of the fail-fast error when too many callers wait: PostgreSQL's
	 * {@code too_many_connections}, an insufficient-resources class, not a connection failure.
	 */
	public static final String POOL_SATURATED = "53300";

	private final int index;

	private final PoolDefinition definition;

	private final HikariDataSource dataSource;

	private final HikariPoolMXBean poolBean;

	NamedPool(int index, PoolDefinition definition, HikariDataSource dataSource) {
		this.index = index;
		this.definition = definition;
		this.dataSource = dataSource;
		this.poolBean = dataSource.getHikariPoolMXBean();
	}

	/**
	 * Position of this pool in its {@link NamedPools}, for per-pool lookups without hashing.
	 * @return a small index, unique within the registry
	 */
	public int index() {
		return this.index;
	}

	public String name() {
		return this.definition.name();
	}

	public PoolRole role() {
		return this.definition.role();
	}

	public int weight() {
		return this.definition.weight();
	}

	public PoolDefinition definition() {
		return this.definition;
	}

	public HikariDataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Connections currently borrowed from this pool.
	 * @return the active connection count
	 */
	public int activeConnections() {
		return this.poolBean.getActiveConnections();
	}

	/**
	 * Borrow a physical connection.
	 * @return a connection from HikariCP
	 * @throws SQLException if HikariCP cannot provide one in time, or if too many callers
	 * are already waiting
	 */
	public Connection borrow() throws SQLException {
		int maxWaiting = this.definition.maxWaiting();
		if (maxWaiting > 0) {
			int waiting = this.poolBean.getThreadsAwaitingConnection();
			if (waiting >= maxWaiting) {
				throw new SQLTransientConnectionException("Pool '" + name() + "' already has " + waiting
						+ " callers waiting for a connection (max-waiting=" + maxWaiting + "); failing fast",
						POOL_SATURATED);
			}
		}
		return this.dataSource.getConnection();
	}

	@Override
	public String toString() {
		return name();
	}

}
