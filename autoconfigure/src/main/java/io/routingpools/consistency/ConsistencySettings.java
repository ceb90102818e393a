package io.routingpools.consistency;

import java.time.Duration;

/**
 * How reads follow the writes of their scope ({@code routing-pools.consistency.*}).
 *
 * @param mode {@code lsn}, {@code window} or {@code none}
 * @param maxWait {@code lsn}: how long a read may wait for the replica it borrowed to
 * replay the scope's token before it goes to the primary
 * @param window how long a scope's reads stay on the primary after a write whose WAL
 * position is not known ({@code window} mode, or reading the position failed)
 * @param tokenMaxAge how long a token is honoured after it was issued; older ones are
 * ignored
 */
public record ConsistencySettings(ConsistencyMode mode, Duration maxWait, Duration window, Duration tokenMaxAge) {

	/**
	 * Check the settings.
	 * @throws IllegalArgumentException if a duration is negative, or the window or the
	 * token age is zero
	 */
	public ConsistencySettings {
		if (maxWait.isNegative() || window.isNegative() || window.isZero() || tokenMaxAge.isNegative()
				|| tokenMaxAge.isZero()) {
			throw new IllegalArgumentException("maxWait must not be negative, window and tokenMaxAge must be positive: "
					+ maxWait + ", " + window + ", " + tokenMaxAge);
		}
	}

}
