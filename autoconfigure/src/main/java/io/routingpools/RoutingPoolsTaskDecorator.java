package io.routingpools;

import io.routingpools.consistency.ConsistencyTaskDecorator;
import io.routingpools.tenant.TenantTaskDecorator;

import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task in its submitter's consistency scope ({@link ConsistencyTaskDecorator}) and
 * for its submitter's tenant ({@link TenantTaskDecorator}): what a task handed to another
 * thread needs so that its reads follow the submitter's writes and its connections count
 * against the right tenant.
 * <p>
 * The starter declares one as a {@code @Fallback} {@code TaskDecorator} bean, which
 * Spring Boot applies, beside the application's own decorators, to the executors and
 * schedulers it builds ({@code @Async}, Spring MVC async processing). One bean rather
 * than one per feature, so that code injecting the single {@code TaskDecorator} by type
 * still finds one. Set it on an executor the application builds itself with
 * {@code setTaskDecorator}.
 */
public final class RoutingPoolsTaskDecorator implements TaskDecorator {

	private final ConsistencyTaskDecorator consistency = new ConsistencyTaskDecorator();

	private final TenantTaskDecorator tenant = new TenantTaskDecorator();

	@Override
	public Runnable decorate(Runnable task) {
		return this.consistency.decorate(this.tenant.decorate(task));
	}

}
