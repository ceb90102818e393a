package io.routingpools.tenant;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task for the tenant of the thread that submitted it (DESIGN section 7), or for
 * none when the submitter had none; the worker thread's own tenant, if it had one, is
 * back after the task. The tenant is taken when the task is submitted, not when it runs.
 * <p>
 * Set it on an executor with {@code setTaskDecorator}; Spring Boot applies every
 * {@code TaskDecorator} bean to the executors and schedulers it builds, which serve
 * {@code @Async} methods and Spring MVC's async processing.
 */
public final class TenantTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable task) {
		@Nullable String tenantId = TenantScope.current();
		return () -> {
			@Nullable String previous = TenantScope.enter(tenantId);
			try {
				task.run();
			}
			finally {
				TenantScope.restore(previous);
			}
		};
	}

}
