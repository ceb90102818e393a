package io.routingpools.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.UtilityElf;
import org.jspecify.annotations.Nullable;

/**
 * One started HikariCP pool with its name and role. Borrowing applies the pool's
 * admission limit ({@code max-waiting}) before queueing in HikariCP, and counts the
 * connections out so that load balancing can compare pools cheaply.
 */
public final class NamedPool {

	/**
	 * SQLSTATE of the fail-fast error when too many callers wait: PostgreSQL's
	 * {@code too_many_connections}, an insufficient-resources class, not a connection
	 * failure.
	 */
	public static final String POOL_SATURATED = "53300";

	/** {@link #isolationByDefault()} of a pool whose isolation is not configured. */
	public static final int ISOLATION_NOT_CONFIGURED = -1;

	private final int index;

	private final PoolDefinition definition;

	private final HikariDataSource dataSource;

	private final HikariPoolMXBean poolBean;

	// Only replicas are load-balanced, and only when there are several: others skip
	// counting.
	private final boolean counted;

	private final boolean autoCommitByDefault;

	private final boolean readOnlyByDefault;

	private final int isolationByDefault;

	private final LongAdder borrowed = new LongAdder();

	// Callers of borrow() that found no idle connection and have no answer yet, counted
	// only under max-waiting.
	private final AtomicInteger waiting = new AtomicInteger();

	// Replicas only: their connections in use are aborted when the replica goes down.
	private final @Nullable InUseConnections inUse;

	NamedPool(int index, PoolDefinition definition, HikariDataSource dataSource, boolean counted) {
		this.index = index;
		this.definition = definition;
		this.dataSource = dataSource;
		this.poolBean = dataSource.getHikariPoolMXBean();
		this.counted = counted;
		this.inUse = (definition.role() == PoolRole.REPLICA) ? new InUseConnections(dataSource.getMaximumPoolSize())
				: null;
		this.autoCommitByDefault = dataSource.isAutoCommit();
		this.readOnlyByDefault = dataSource.isReadOnly();
		String isolation = dataSource.getTransactionIsolation();
		this.isolationByDefault = (isolation != null) ? UtilityElf.getTransactionIsolation(isolation)
				: ISOLATION_NOT_CONFIGURED;
	}

	/**
	 * Position of this pool in its {@link NamedPools}, for per-pool lookups without
	 * hashing.
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
	 * Auto-commit of a connection fresh from this pool: HikariCP resets it on return.
	 * @return the pool's auto-commit setting
	 */
	public boolean autoCommitByDefault() {
		return this.autoCommitByDefault;
	}

	/**
	 * Read-only flag of a connection fresh from this pool: HikariCP resets it on return.
	 * @return the pool's read-only setting
	 */
	public boolean readOnlyByDefault() {
		return this.readOnlyByDefault;
	}

	/**
	 * Isolation of a connection fresh from this pool, if configured: HikariCP resets it
	 * on return.
	 * @return a {@link Connection} isolation level, or {@link #ISOLATION_NOT_CONFIGURED}
	 * when the pool keeps the server's default
	 */
	public int isolationByDefault() {
		return this.isolationByDefault;
	}

	/**
	 * Connections currently borrowed from this replica pool through {@link #borrow()} and
	 * not yet {@link #returned(Connection)}. Kept here rather than read from HikariCP,
	 * whose count walks the whole pool, because load balancing reads it for every
	 * read-only binding.
	 * @return the borrowed connection count; always 0 unless the pool is one of several
	 * replicas
	 */
	public long borrowedConnections() {
		return this.borrowed.sum();
	}

	/**
	 * Record that a connection from {@link #borrow()} went back to the pool.
	 * @param connection the connection that {@link #borrow()} returned
	 */
	public void returned(Connection connection) {
		if (this.counted) {
			this.borrowed.decrement();
		}
		if (this.inUse != null) {
			this.inUse.remove(connection);
		}
	}

	/**
	 * Abort every connection of this replica pool that is in use, and evict its idle ones
	 * (HikariCP's soft eviction: connections in use are also closed when they are
	 * returned). For a replica that is gone: reads in flight fail at once (pgjdbc's
	 * SQLSTATE 08006) instead of waiting for the socket timeout, and no broken idle
	 * connection is lent again.
	 * @param executor runs the aborts
	 * @return how many connections in use were aborted; 0 for a pool that is not a
	 * replica
	 */
	public int abortAndEvict(Executor executor) {
		this.poolBean.softEvictConnections();
		return (this.inUse != null) ? this.inUse.abortAll(executor) : 0;
	}

	/**
	 * Borrow a physical connection. With {@code max-waiting}, a caller that finds no idle
	 * connection counts as waiting until HikariCP answers, and fails at once (SQLSTATE
	 * 53300) when {@code max-waiting} callers already wait. The count is this pool's own,
	 * taken atomically: HikariCP counts a waiter only once it queues, so a burst of
	 * callers that each read its count first could all pass.
	 * @return a connection from HikariCP
	 * @throws SQLException if HikariCP cannot provide one in time, or if too many callers
	 * are already waiting
	 */
	public Connection borrow() throws SQLException {
		int maxWaiting = this.definition.maxWaiting();
		if (maxWaiting == 0 || this.poolBean.getIdleConnections() > 0) {
			return take();
		}
		// HikariCP's own count also sees callers that use the pool's DataSource directly.
		int waiting = Math.max(this.waiting.incrementAndGet(), this.poolBean.getThreadsAwaitingConnection() + 1);
		try {
			if (waiting > maxWaiting) {
				throw new SQLTransientConnectionException(
						"Pool '" + name() + "' already has " + (waiting - 1)
								+ " callers waiting for a connection (max-waiting=" + maxWaiting + "); failing fast",
						POOL_SATURATED);
			}
			return take();
		}
		finally {
			this.waiting.decrementAndGet();
		}
	}

	private Connection take() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		if (this.counted) {
			this.borrowed.increment();
		}
		if (this.inUse != null) {
			this.inUse.add(connection);
		}
		return connection;
	}

	@Override
	public String toString() {
		return name();
	}

}
