package io.routingpools.tenant;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Lets Micrometer's context propagation carry the current tenant ({@link TenantScope}) to
 * other threads (Spring's {@code ContextPropagatingTaskDecorator}, Reactor's automatic
 * context propagation), as {@link TenantTaskDecorator} does. Register it with
 * {@code ContextRegistry.getInstance().registerThreadLocalAccessor(...)}, which replaces
 * an accessor registered under the same {@link #KEY}.
 */
public final class TenantScopeThreadLocalAccessor implements ThreadLocalAccessor<String> {

	/** The key of the tenant id in a context snapshot. */
	public static final String KEY = "routing-pools.tenant";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable String getValue() {
		return TenantScope.current();
	}

	@Override
	public void setValue(String tenantId) {
		TenantScope.enter(tenantId);
	}

	@Override
	public void setValue() {
		TenantScope.restore(null);
	}

}
