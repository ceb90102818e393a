package io.routingpools.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;

/**
 * Started pools that never connect (nothing listens on their URL), for tests of decisions
 * that only need pool names, roles and weights.
 */
public final class TestPools {

	private TestPools() {
	}

	/**
	 * Start a primary, an admin pool and one replica per weight, named replica-1,
	 * replica-2...
	 * @param weights the replicas' weights
	 * @return the started pools; close them
	 */
	public static NamedPools withReplicaWeights(int... weights) {
		List<PoolDefinition> definitions = new ArrayList<>();
		definitions.add(definition("primary", PoolRole.PRIMARY, 1));
		for (int i = 0; i < weights.length; i++) {
			definitions.add(definition("replica-" + (i + 1), PoolRole.REPLICA, weights[i]));
		}
		definitions.add(definition("admin", PoolRole.ADMIN, 1));
		return NamedPools.start(definitions);
	}

	private static PoolDefinition definition(String name, PoolRole role, int weight) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:postgresql://127.0.0.1:9/never");
		config.setInitializationFailTimeout(-1);
		config.setMinimumIdle(0);
		return new PoolDefinition(name, role, config, Duration.ZERO, 0, weight);
	}

}
