package io.routingpools.tenant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import org.jspecify.annotations.Nullable;

/**
 * The tenants an application has seen, with their quotas on the shared pools and their
 * dedicated pools (DESIGN section 7). A tenant is created the first time work runs for
 * it, with the quota the configuration gives it ({@code quotas.<id>}, else
 * {@code default-quota}); the entry is kept for the life of the application. Quotas can
 * be changed at runtime ({@link #changeQuota(String, int)}). Thread-safe; reading the
 * current tenant costs one thread-local read when work has none.
 */
public final class Tenants {

	/** Prefix of a dedicated tenant's pool name. */
	public static final String POOL_PREFIX = "tenant-";

	private final TenantSettings settings;

	private final NamedPools pools;

	private final TenantEvents events;

	private final long waitTimeoutNanos;

	private final Map<String, Tenant> byId = new ConcurrentHashMap<>();

	/**
	 * Create the tenants of an application.
	 * @param settings quotas, wait timeout, session variable, dedicated tenants
	 * @param pools the started pools, including a {@code tenant-<id>} pool per dedicated
	 * tenant
	 * @param events told of each slot taken and each refusal
	 */
	public Tenants(TenantSettings settings, NamedPools pools, TenantEvents events) {
		this.settings = settings;
		this.pools = pools;
		this.events = events;
		this.waitTimeoutNanos = settings.quotaWaitTimeout().toNanos();
		for (String id : settings.quotas().keySet()) {
			tenant(id);
		}
		for (String id : settings.dedicated()) {
			tenant(id);
		}
	}

	/**
	 * Tenants that use nothing of this: no quota, no dedicated pool, no session variable.
	 * For tests and for a router without tenants.
	 * @param pools the pools
	 * @return tenants with default settings
	 */
	public static Tenants withDefaults(NamedPools pools) {
		return new Tenants(TenantSettings.DEFAULTS, pools, TenantEvents.NONE);
	}

	public TenantSettings settings() {
		return this.settings;
	}

	/**
	 * The setting that carries the tenant id for row-level security.
	 * @return its name, or {@code null} when none is configured
	 */
	public @Nullable String sessionVariable() {
		return this.settings.sessionVariable();
	}

	/**
	 * The tenant of the current thread's work ({@link TenantScope}).
	 * @return the tenant, or {@code null} for work without a tenant
	 */
	public @Nullable Tenant current() {
		String id = TenantScope.current();
		return (id != null) ? tenant(id) : null;
	}

	/**
	 * A tenant by id, created with its configured quota the first time.
	 * @param id a tenant id
	 * @return the tenant
	 * @throws InvalidTenantIdException if the id is not valid
	 */
	public Tenant tenant(String id) {
		Tenant tenant = this.byId.get(id);
		return (tenant != null) ? tenant : this.byId.computeIfAbsent(TenantIds.require(id), this::create);
	}

	private Tenant create(String id) {
		NamedPool dedicated = this.settings.dedicated().contains(id) ? this.pools.find(POOL_PREFIX + id) : null;
		return new Tenant(id, this.settings.isConfigured(id), this.settings.quotaOf(id), dedicated,
				this.waitTimeoutNanos, this.events);
	}

	/**
	 * Every tenant seen so far, configured ones included, by id.
	 * @return a snapshot
	 */
	public List<Tenant> all() {
		List<Tenant> all = new ArrayList<>(this.byId.values());
		all.sort(Comparator.comparing(Tenant::id));
		return Collections.unmodifiableList(all);
	}

	/**
	 * Change a tenant's quota at runtime. Connections it holds stay; a lower quota than
	 * its usage makes its new work wait until the usage falls below it.
	 * @param id the tenant id
	 * @param quota the new quota; 0 for no limit
	 * @return the tenant
	 * @throws IllegalArgumentException if the quota is negative or the id not valid
	 */
	public Tenant changeQuota(String id, int quota) {
		Tenant tenant = tenant(id);
		if (quota < 0) {
			throw new IllegalArgumentException(
					"A tenant quota is 0 (no limit) or more connections, not " + quota + " (tenant '" + id + "')");
		}
		tenant.changeQuota(quota);
		return tenant;
	}

	/**
	 * How long work over its quota waits.
	 * @return the quota wait timeout
	 */
	public Duration quotaWaitTimeout() {
		return this.settings.quotaWaitTimeout();
	}

}
