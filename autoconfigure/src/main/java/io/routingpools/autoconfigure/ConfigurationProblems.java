package io.routingpools.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.routingpools.autoconfigure.InvalidRoutingPoolsConfigurationException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The problems found in a configuration, whichever check or layer found them, so that
 * startup fails once with all of them. Values are rendered by {@link ReportedValues}: as
 * a user writes them, and never a secret.
 */
final class ConfigurationProblems {

	private final List<Problem> problems = new ArrayList<>();

	/**
	 * Add a problem.
	 * @param property the full property name
	 * @param value the offending value as bound, or {@code null} when it is missing
	 * @param reason what is wrong
	 * @param action how to fix it
	 */
	void add(String property, @Nullable Object value, String reason, String action) {
		this.problems.add(new Problem(property, ReportedValues.of(property, value), reason, action));
	}

	/**
	 * Whether a problem names a property already.
	 * @param property the full property name
	 * @return {@code true} if a problem names it
	 */
	boolean contains(String property) {
		return this.problems.stream().anyMatch((problem) -> problem.property().equals(property));
	}

	/**
	 * Fail if any problem was found.
	 * @throws InvalidRoutingPoolsConfigurationException listing every problem
	 */
	void throwIfAny() {
		if (!this.problems.isEmpty()) {
			throw new InvalidRoutingPoolsConfigurationException(this.problems);
		}
	}

}
