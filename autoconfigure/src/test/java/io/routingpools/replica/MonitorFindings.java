package io.routingpools.replica;

import java.time.Instant;

import io.routingpools.pool.NamedPool;

/**
 * Puts a replica in a state as if the monitor had found it, for tests of what reads the
 * states.
 */
public final class MonitorFindings {

	private MonitorFindings() {
	}

	public static void found(ReplicaStates states, NamedPool replica, ReplicaState state) {
		states.set(replica, new ReplicaStatus(replica.name(), state, "set by a test", Instant.now(), Instant.now(),
				null, null, null, null));
	}

}
