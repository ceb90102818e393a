package io.routingpools.tenant;

/**
 * Told when a tenant's work takes a connection slot of its quota and when it is refused,
 * so that they can be measured ({@code routingpools.tenant.wait},
 * {@code routingpools.tenant.rejections}). Called on request threads: implementations
 * must be thread-safe, cheap and must not throw.
 */
public interface TenantEvents {

	/** Measures nothing. */
	TenantEvents NONE = new TenantEvents() {
	};

	/**
	 * A binding of the tenant's work got a slot of its quota.
	 * @param tenant the tenant
	 * @param waitedNanos how long it waited for the slot, in ns (0 when one was free)
	 */
	default void acquired(Tenant tenant, long waitedNanos) {
	}

	/**
	 * A binding of the tenant's work waited {@code quota-wait-timeout} without a slot,
	 * and failed with {@link TenantQuotaExceededException}.
	 * @param tenant the tenant
	 * @param waitedNanos how long it waited, in ns
	 */
	default void rejected(Tenant tenant, long waitedNanos) {
	}

}
