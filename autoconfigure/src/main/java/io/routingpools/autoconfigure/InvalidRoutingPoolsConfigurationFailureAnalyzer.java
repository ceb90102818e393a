package io.routingpools.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidRoutingPoolsConfigurationException} in the startup failure
 * report: each property, its value, what is wrong and how to fix it.
 */
class InvalidRoutingPoolsConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidRoutingPoolsConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRoutingPoolsConfigurationException cause) {
		StringBuilder description = new StringBuilder("The routing-pools configuration is invalid:\n");
		StringBuilder action = new StringBuilder("Update your application's configuration:\n");
		for (InvalidRoutingPoolsConfigurationException.Problem problem : cause.getProblems()) {
			description.append("\n    Property: ").append(problem.property());
			description.append("\n    Value: ").append(problem.value());
			description.append("\n    Reason: ").append(problem.reason()).append('\n');
			action.append("\n    - ").append(problem.action());
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
