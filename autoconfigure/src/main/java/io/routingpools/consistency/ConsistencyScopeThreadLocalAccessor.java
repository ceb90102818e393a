package io.routingpools.consistency;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Lets Micrometer's context propagation carry the {@link ConsistencyScope} to other
 * threads (Spring's {@code ContextPropagatingTaskDecorator}, Reactor's automatic context
 * propagation): the scope is shared, as with {@link ConsistencyTaskDecorator}. A thread
 * without a scope passes none on (no scope is created to be captured). Register it with
 * {@code ContextRegistry.getInstance().registerThreadLocalAccessor(...)}, which replaces
 * an accessor registered under the same {@link #KEY}.
 */
public final class ConsistencyScopeThreadLocalAccessor implements ThreadLocalAccessor<ConsistencyScope> {

	/** The key of the scope in a context snapshot. */
	public static final String KEY = "routing-pools.consistency";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable ConsistencyScope getValue() {
		return ConsistencyScope.current();
	}

	@Override
	public void setValue(ConsistencyScope scope) {
		scope.enter();
	}

	@Override
	public void setValue() {
		ConsistencyScope.restore(null);
	}

}
