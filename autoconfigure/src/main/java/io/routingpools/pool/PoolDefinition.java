package io.routingpools.pool;

import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;

/**
 * Everything needed to create one named pool: its role, its HikariCP settings and the few
 * settings HikariCP does not have. Immutable: the HikariCP settings are copied in and
 * out.
 */
public final class PoolDefinition {

	private final String name;

	private final PoolRole role;

	private final HikariConfig hikari;

	private final Duration statementTimeout;

	private final int maxWaiting;

	private final int weight;

	/**
	 * Create a definition.
	 * @param name the pool name, also the HikariCP pool name
	 * @param role what the pool is for
	 * @param hikari HikariCP settings (copied; its pool name is replaced by {@code name})
	 * @param statementTimeout statement timeout set on each new session, zero for none
	 * @param maxWaiting callers allowed to wait for a connection before new ones fail
	 * fast, zero for no limit
	 * @param weight relative share of reads for a replica (1 for other pools)
	 */
	public PoolDefinition(String name, PoolRole role, HikariConfig hikari, Duration statementTimeout, int maxWaiting,
			int weight) {
		this.name = name;
		this.role = role;
		this.hikari = new HikariConfig();
		hikari.copyStateTo(this.hikari);
		this.hikari.setPoolName(name);
		this.statementTimeout = statementTimeout;
		this.maxWaiting = maxWaiting;
		this.weight = weight;
	}

	public String name() {
		return this.name;
	}

	public PoolRole role() {
		return this.role;
	}

	public Duration statementTimeout() {
		return this.statementTimeout;
	}

	public int maxWaiting() {
		return this.maxWaiting;
	}

	public int weight() {
		return this.weight;
	}

	/**
	 * Return a fresh copy of the HikariCP settings, with the statement timeout prepended
	 * to the connection init SQL.
	 * @return HikariCP settings ready to start a pool
	 */
	public HikariConfig toHikariConfig() {
		HikariConfig config = new HikariConfig();
		this.hikari.copyStateTo(config);
		if (!this.statementTimeout.isZero()) {
			String setTimeout = "SET statement_timeout = " + this.statementTimeout.toMillis();
			String userSql = config.getConnectionInitSql();
			config.setConnectionInitSql(
					(userSql != null && !userSql.isBlank()) ? setTimeout + "; " + userSql : setTimeout);
		}
		return config;
	}

	@Override
	public String toString() {
		return "PoolDefinition[name=" + this.name + ", role=" + this.role + ", url="
				+ JdbcUrls.mask(this.hikari.getJdbcUrl()) + ", maximumPoolSize=" + this.hikari.getMaximumPoolSize()
				+ ", statementTimeout=" + this.statementTimeout + "]";
	}

}
