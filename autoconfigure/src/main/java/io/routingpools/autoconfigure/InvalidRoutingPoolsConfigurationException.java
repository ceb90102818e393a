package io.routingpools.autoconfigure;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup when the {@code routing-pools} configuration cannot work. Lists every
 * problem found, each naming the property and the fix; never carries a password.
 */
public class InvalidRoutingPoolsConfigurationException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	// List.copyOf returns a serializable list; javac only sees the List interface.
	@SuppressWarnings("serial")
	private final List<Problem> problems;

	InvalidRoutingPoolsConfigurationException(List<Problem> problems) {
		super("Invalid routing-pools configuration: "
				+ problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
		this.problems = List.copyOf(problems);
	}

	/**
	 * The problems found, in property order.
	 * @return the problems, never empty
	 */
	public List<Problem> getProblems() {
		return this.problems;
	}

	/**
	 * One problem with one property.
	 *
	 * @param property the full property name
	 * @param value the offending value as text, or "(none)"; never a secret
	 * @param reason what is wrong
	 * @param action how to fix it
	 */
	public record Problem(String property, String value, String reason, String action) implements Serializable {

		@Override
		public String toString() {
			return this.property + " (" + this.reason + ")";
		}

	}

}
