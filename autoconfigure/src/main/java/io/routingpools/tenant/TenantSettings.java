package io.routingpools.tenant;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * How tenants are limited and bound (DESIGN section 7), resolved from
 * {@code routing-pools.tenants.*}.
 *
 * @param defaultQuota connections a tenant without a quota of its own may hold at once on
 * the shared pools; 0 for no limit
 * @param quotaWaitTimeout how long work over its tenant's quota waits for a slot before
 * {@link TenantQuotaExceededException}
 * @param quotas the quotas of named tenants (0: no limit)
 * @param sessionVariable the setting that carries the tenant id for row-level security
 * (for example {@code app.tenant_id}), or {@code null} for none
 * @param dedicated the tenants that have a pool of their own, {@code tenant-<id>}
 */
public record TenantSettings(int defaultQuota, Duration quotaWaitTimeout, Map<String, Integer> quotas,
		@Nullable String sessionVariable, Set<String> dedicated) {

	/** Settings with default values: quota 5, 500 ms wait, no session variable. */
	public static final TenantSettings DEFAULTS = new TenantSettings(5, Duration.ofMillis(500), Map.of(), null,
			Set.of());

	public TenantSettings {
		quotas = Map.copyOf(quotas);
		dedicated = Set.copyOf(dedicated);
	}

	/**
	 * Whether a tenant is named in the configuration (a quota of its own, or a dedicated
	 * pool): it gets its own meter tag; others share {@code other}.
	 * @param id the tenant id
	 * @return {@code true} for a configured tenant
	 */
	public boolean isConfigured(String id) {
		return this.quotas.containsKey(id) || this.dedicated.contains(id);
	}

	/**
	 * The quota a tenant starts with.
	 * @param id the tenant id
	 * @return its quota, 0 for no limit
	 */
	public int quotaOf(String id) {
		Integer own = this.quotas.get(id);
		return (own != null) ? own : this.defaultQuota;
	}

}
