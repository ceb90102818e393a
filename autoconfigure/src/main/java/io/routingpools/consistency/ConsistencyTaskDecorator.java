package io.routingpools.consistency;

import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task in the consistency scope of the thread that submitted it (DESIGN section
 * 5): the task's reads follow the submitter's writes, and the writes the task commits
 * move the same scope, so the submitter's later reads follow them too. A submitter
 * without a scope gets one ({@link ConsistencyScope#currentOrNew()}) to share with the
 * task. The worker thread's own scope, if it had one, is back after the task.
 * <p>
 * Set it on an executor with {@code setTaskDecorator}; Spring Boot applies every
 * {@code TaskDecorator} bean to the executors and schedulers it builds.
 */
public final class ConsistencyTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable task) {
		ConsistencyScope scope = ConsistencyScope.currentOrNew();
		return () -> {
			ConsistencyScope previous = scope.enter();
			try {
				task.run();
			}
			finally {
				ConsistencyScope.restore(previous);
			}
		};
	}

}
