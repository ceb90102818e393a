package io.routingpools.replica;

import java.time.Instant;

import io.routingpools.pool.NamedPool;
import org.jspecify.annotations.Nullable;

/**
 * Turns the checks of one replica into its state (DESIGN section 6): leaving rotation
 * takes {@code failedChecksToLeave} failed checks in a row, returning takes
 * {@code passedChecksToReturn} passed checks in a row, each caught up. Between two states
 * out of rotation it moves at once, so that the state says what is wrong now. An
 * operator's drain holds until undrained, while the checks go on.
 */
final class ReplicaTracker {

	private final NamedPool replica;

	private final MonitorSettings settings;

	private ReplicaStatus status;

	private @Nullable Observation last;

	private int failedInARow;

	private int passedInARow;

	ReplicaTracker(NamedPool replica, MonitorSettings settings, ReplicaStatus initial) {
		this.replica = replica;
		this.settings = settings;
		this.status = initial;
	}

	NamedPool replica() {
		return this.replica;
	}

	/**
	 * Take one check into account.
	 * @param observation what the check found
	 * @param now when
	 * @return the replica's status after it
	 */
	synchronized ReplicaStatus observe(Observation observation, Instant now) {
		this.last = observation;
		if (observation.verdict() == ReplicaState.UP) {
			this.failedInARow = 0;
			this.passedInARow = observation.caughtUp() ? this.passedInARow + 1 : 0;
		}
		else {
			this.passedInARow = 0;
			this.failedInARow++;
		}
		ReplicaState current = this.status.state();
		ReplicaState next = next(current, observation.verdict());
		String reason = reason(current, next, observation);
		return update(next, reason, now, observation);
	}

	private ReplicaState next(ReplicaState current, ReplicaState verdict) {
		if (current == ReplicaState.DRAINED) {
			return current;
		}
		if (current == ReplicaState.UP) {
			return (verdict != ReplicaState.UP && this.failedInARow >= this.settings.failedChecksToLeave()) ? verdict
					: current;
		}
		if (verdict != ReplicaState.UP) {
			return verdict;
		}
		return (this.passedInARow >= this.settings.passedChecksToReturn()) ? ReplicaState.UP : current;
	}

	private String reason(ReplicaState current, ReplicaState next, Observation observation) {
		if (next == ReplicaState.DRAINED) {
			return this.status.reason();
		}
		if (next == observation.verdict()) {
			return observation.reason();
		}
		if (next == ReplicaState.UP) {
			return observation.reason() + " (" + this.failedInARow + " of " + this.settings.failedChecksToLeave()
					+ " failed checks to leave rotation)";
		}
		// Out of rotation, and this check passed: say how far the return has come.
		return this.status.reason() + "; last check: " + observation.reason() + " (" + this.passedInARow + " of "
				+ this.settings.passedChecksToReturn() + " caught-up checks to return)";
	}

	/**
	 * Take the replica out of rotation until {@link #undrain}.
	 * @param now when
	 * @return its status after
	 */
	synchronized ReplicaStatus drain(Instant now) {
		return update(ReplicaState.DRAINED, "drained by an operator", now, this.last);
	}

	/**
	 * Give the replica back to the checks: it is in rotation at once if the latest check
	 * passed caught up, otherwise in the state that check pointed to.
	 * @param now when
	 * @return its status after
	 */
	synchronized ReplicaStatus undrain(Instant now) {
		if (this.status.state() != ReplicaState.DRAINED) {
			return this.status;
		}
		Observation latest = this.last;
		if (latest == null) {
			return update(ReplicaState.UP, "undrained; not checked yet", now, null);
		}
		ReplicaState state = (latest.verdict() == ReplicaState.UP && !latest.caughtUp()) ? ReplicaState.LAGGING
				: latest.verdict();
		return update(state, "undrained; " + latest.reason(), now, latest);
	}

	private ReplicaStatus update(ReplicaState state, String reason, Instant now, @Nullable Observation observation) {
		ReplicaStatus previous = this.status;
		Instant since = (state == previous.state()) ? previous.since() : now;
		this.status = (observation != null)
				? new ReplicaStatus(this.replica.name(), state, reason, since, now, observation.replayLsn(),
						observation.replayLagBytes(), observation.replayLag(), observation.walReceiverStreaming())
				: new ReplicaStatus(this.replica.name(), state, reason, since, previous.checkedAt(),
						previous.replayLsn(), previous.replayLagBytes(), previous.replayLag(),
						previous.walReceiverStreaming());
		return this.status;
	}

}
