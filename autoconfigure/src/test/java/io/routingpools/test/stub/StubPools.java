package io.routingpools.test.stub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolDefinition;
import io.routingpools.pool.PoolRole;

/**
 * Named pools on the {@link StubDriver}, configured as the autoconfiguration configures
 * real ones (replicas read-only, the same auto-commit and isolation everywhere). Each
 * pool's URL is {@link #url(String) jdbc:stub:<name>}.
 */
public final class StubPools {

	private StubPools() {
	}

	/**
	 * Start a primary, the given replicas and an admin pool, each of the given size.
	 * @param size maximum pool size, also the idle connections kept
	 * @param replicas the replicas' names
	 * @return the started pools; close them
	 */
	public static NamedPools start(int size, String... replicas) {
		List<PoolDefinition> definitions = new ArrayList<>();
		definitions.add(definition("primary", PoolRole.PRIMARY, size));
		for (String replica : replicas) {
			definitions.add(definition(replica, PoolRole.REPLICA, size));
		}
		definitions.add(definition("admin", PoolRole.ADMIN, size));
		return NamedPools.start(definitions);
	}

	/**
	 * A pool definition on the stub driver. The pool starts even if its URL refuses
	 * connections. It waits 5 s for a connection (a loaded machine may take a while to
	 * start HikariCP's connection-adding thread), or HikariCP's minimum of 250 ms if its
	 * URL refuses connections when the pool is defined, so that a test of an unreachable
	 * replica does not wait long.
	 * @param name the pool name
	 * @param role the pool's role
	 * @param size maximum pool size, also the idle connections kept
	 * @return the definition
	 */
	public static PoolDefinition definition(String name, PoolRole role, int size) {
		HikariConfig hikari = new HikariConfig();
		hikari.setJdbcUrl(url(name));
		hikari.setDriverClassName(StubDriver.class.getName());
		hikari.setMaximumPoolSize(size);
		hikari.setMinimumIdle(size);
		hikari.setConnectionTimeout(StubDriver.isRefused(url(name)) ? 250 : 5000);
		hikari.setInitializationFailTimeout(-1);
		hikari.setAutoCommit(true);
		hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
		hikari.setReadOnly(role == PoolRole.REPLICA);
		return new PoolDefinition(name, role, hikari, Duration.ZERO, 0, 1);
	}

	/**
	 * The URL of a stub pool.
	 * @param name the pool name
	 * @return {@code jdbc:stub:<name>}
	 */
	public static String url(String name) {
		return StubDriver.URL_PREFIX + name;
	}

}
