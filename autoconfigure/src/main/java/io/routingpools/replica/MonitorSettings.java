package io.routingpools.replica;

import java.time.Duration;

/**
 * How the replica monitor checks and when it moves a replica in or out of rotation
 * ({@code routing-pools.health.*}).
 *
 * @param checkInterval pause between two checks of a node
 * @param probeTimeout longest a probe query may take; a slower one is a failed check
 * (sent as the probe's {@code statement_timeout} and as its network timeout)
 * @param maxReplicationLag replay lag beyond which a replica is {@code LAGGING}
 * @param maxReplicationLagBytes WAL bytes not yet replayed beyond which a replica is
 * {@code LAGGING}
 * @param failedChecksToLeave consecutive failed checks that take a replica out of
 * rotation
 * @param passedChecksToReturn consecutive passed checks, each caught up, that bring it
 * back
 */
public record MonitorSettings(Duration checkInterval, Duration probeTimeout, Duration maxReplicationLag,
		long maxReplicationLagBytes, int failedChecksToLeave, int passedChecksToReturn) {

	/**
	 * A replica counts as caught up, for its return to rotation, when its lag is at most
	 * this share of each limit, so that one hovering at a limit does not flap in and out.
	 */
	static final int CAUGHT_UP_SHARE_OF_LIMIT_PERCENT = 50;

	/**
	 * Check the settings.
	 * @throws IllegalArgumentException if a duration is not positive or a count below 1
	 */
	public MonitorSettings {
		requirePositive(checkInterval, "checkInterval");
		requirePositive(probeTimeout, "probeTimeout");
		requirePositive(maxReplicationLag, "maxReplicationLag");
		if (maxReplicationLagBytes <= 0 || failedChecksToLeave < 1 || passedChecksToReturn < 1) {
			throw new IllegalArgumentException(
					"maxReplicationLagBytes, failedChecksToLeave and passedChecksToReturn " + "must be positive: "
							+ maxReplicationLagBytes + ", " + failedChecksToLeave + ", " + passedChecksToReturn);
		}
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive: " + duration);
		}
	}

}
