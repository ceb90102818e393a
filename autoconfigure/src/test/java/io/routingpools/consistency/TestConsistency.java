package io.routingpools.consistency;

import java.time.Duration;

import io.routingpools.replica.ReplicaStates;

/**
 * Consistency rules for tests that are not about consistency.
 */
public final class TestConsistency {

	private TestConsistency() {
	}

	/**
	 * Rules under which reads do not follow writes ({@code mode: none}).
	 * @param states the replica states
	 * @return the rules
	 */
	public static ReadYourWrites none(ReplicaStates states) {
		return new ReadYourWrites(settings(ConsistencyMode.NONE), states, null);
	}

	/**
	 * The default rules ({@code mode: lsn}).
	 * @param states the replica states
	 * @return the rules
	 */
	public static ReadYourWrites lsn(ReplicaStates states) {
		return new ReadYourWrites(settings(ConsistencyMode.LSN), states, null);
	}

	private static ConsistencySettings settings(ConsistencyMode mode) {
		return new ConsistencySettings(mode, Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofSeconds(30));
	}

}
