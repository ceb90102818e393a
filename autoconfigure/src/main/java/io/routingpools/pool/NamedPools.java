package io.routingpools.pool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The started pools of one application, by name: one primary, one admin pool, any number
 * of replicas and one pool per dedicated tenant ({@code tenant-<id>}). Owns them: closing
 * the registry closes every pool.
 */
public final class NamedPools implements AutoCloseable {

	private final Map<String, NamedPool> byName;

	private final NamedPool primary;

	private final NamedPool admin;

	private final List<NamedPool> replicas;

	private NamedPools(Map<String, NamedPool> byName) {
		this.byName = Collections.unmodifiableMap(byName);
		this.primary = single(PoolRole.PRIMARY);
		this.admin = single(PoolRole.ADMIN);
		this.replicas = byName.values().stream().filter((pool) -> pool.role() == PoolRole.REPLICA).toList();
	}

	/**
	 * Start one pool per definition. If a pool fails to start, the ones already started
	 * are closed before the failure is thrown.
	 * @param definitions exactly one primary, one admin, any replicas and dedicated
	 * tenant pools, names unique
	 * @return the started pools
	 */
	public static NamedPools start(List<PoolDefinition> definitions) {
		Map<String, NamedPool> pools = new LinkedHashMap<>();
		long replicas = definitions.stream().filter((definition) -> definition.role() == PoolRole.REPLICA).count();
		boolean balanced = replicas > 1;
		try {
			for (PoolDefinition definition : definitions) {
				HikariDataSource dataSource = new HikariDataSource(definition.toHikariConfig());
				boolean counted = balanced && definition.role() == PoolRole.REPLICA;
				pools.put(definition.name(), new NamedPool(pools.size(), definition, dataSource, counted));
			}
			return new NamedPools(pools);
		}
		catch (RuntimeException ex) {
			pools.values().forEach((pool) -> pool.dataSource().close());
			throw ex;
		}
	}

	private NamedPool single(PoolRole role) {
		List<NamedPool> matching = this.byName.values().stream().filter((pool) -> pool.role() == role).toList();
		if (matching.size() != 1) {
			throw new IllegalArgumentException("Expected exactly one " + role + " pool but got " + matching);
		}
		return matching.get(0);
	}

	public NamedPool primary() {
		return this.primary;
	}

	public NamedPool admin() {
		return this.admin;
	}

	/**
	 * The replica pools, in declaration order.
	 * @return an unmodifiable list, empty when no replica is configured
	 */
	public List<NamedPool> replicas() {
		return this.replicas;
	}

	/**
	 * Every pool, primary first.
	 * @return an unmodifiable view in start order
	 */
	public Iterable<NamedPool> all() {
		return this.byName.values();
	}

	/**
	 * Number of pools.
	 * @return the pool count
	 */
	public int size() {
		return this.byName.size();
	}

	/**
	 * Find a pool by name.
	 * @param name a pool name
	 * @return the pool, or {@code null}
	 */
	public @Nullable NamedPool find(String name) {
		return this.byName.get(name);
	}

	/**
	 * The pool names, in start order.
	 * @return the names
	 */
	public List<String> names() {
		return List.copyOf(this.byName.keySet());
	}

	@Override
	public void close() {
		this.byName.values().forEach((pool) -> pool.dataSource().close());
	}

}
