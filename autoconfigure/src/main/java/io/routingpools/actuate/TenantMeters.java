package io.routingpools.actuate;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.TenantEvents;
import io.routingpools.tenant.TenantQuotaExceededException;
import io.routingpools.tenant.TenantSettings;
import io.routingpools.tenant.Tenants;

/**
 * The {@code routingpools.tenant.*} meters (DESIGN section 8), tagged {@code tenant} with
 * the id of a configured tenant ({@link TenantSettings#isConfigured}: a quota of its own
 * or a dedicated pool) or {@value #OTHER} for every other tenant, so that the tags stay
 * as few as the configuration names:
 * <ul>
 * <li>{@value #ACTIVE}: a gauge of the connections the tenant holds on the shared pools
 * ({@link Tenant#usage()}); for {@value #OTHER}, the sum over the tenants that are not
 * configured;</li>
 * <li>{@value #WAIT}: a timer of how long each binding waited for the slot of its quota
 * that it got, 0 when one was free, so that its count is the number of slots taken. Waits
 * that ended in a refusal are not in it: each lasted {@code quota-wait-timeout} and is
 * counted by {@value #REJECTIONS};</li>
 * <li>{@value #REJECTIONS}: a counter of bindings refused with
 * {@link TenantQuotaExceededException} (SQLSTATE 53300).</li>
 * </ul>
 * This is the {@link TenantEvents} that {@link Tenants} tell, so it is created before
 * them and gets them only when bound. Every configured tenant and {@value #OTHER} have
 * all three meters from binding on, at zero until used. Rejections are counted from
 * startup; waits are recorded in the registries bound so far (Spring Boot binds once the
 * singletons are created). A tenant configured with the id {@value #OTHER} is measured
 * with the unconfigured ones. Binds to any number of registries; {@link #acquired} costs
 * a map lookup for a configured tenant and a timer record per registry.
 */
public final class TenantMeters implements TenantEvents, MeterBinder {

	/** Connections each tenant holds on the shared pools. */
	public static final String ACTIVE = "routingpools.tenant.connections.active";

	/** Time waited for a slot of a tenant's quota, per slot taken. */
	public static final String WAIT = "routingpools.tenant.wait";

	/** Bindings refused because the tenant's quota stayed full. */
	public static final String REJECTIONS = "routingpools.tenant.rejections";

	/** The tag of every tenant that the configuration does not name. */
	public static final String OTHER = "other";

	private final Supplier<Tenants> tenants;

	private final TagMeters other = new TagMeters();

	// By id, the configured tenants' meters: created at binding or at a tenant's first
	// event, so as many as the configuration names. A tenant configured as "other" finds
	// the meters of the unconfigured ones.
	private final Map<String, TagMeters> configured = new ConcurrentHashMap<>();

	/**
	 * Meters over tenants not created yet.
	 * @param tenants gives the tenants when a registry is bound
	 */
	public TenantMeters(Supplier<Tenants> tenants) {
		this.tenants = tenants;
		this.configured.put(OTHER, this.other);
	}

	@Override
	public void acquired(Tenant tenant, long waitedNanos) {
		meters(tenant).waited(waitedNanos);
	}

	@Override
	public void rejected(Tenant tenant, long waitedNanos) {
		meters(tenant).rejections.increment();
	}

	private TagMeters meters(Tenant tenant) {
		if (!tenant.configured()) {
			return this.other;
		}
		TagMeters meters = this.configured.get(tenant.id());
		return (meters != null) ? meters : this.configured.computeIfAbsent(tenant.id(), (id) -> new TagMeters());
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tenants tenants = this.tenants.get();
		for (Tenant tenant : tenants.all()) {
			if (tenant.configured() && !tenant.id().equals(OTHER)) {
				bind(registry, tenant.id(), meters(tenant),
						Gauge.builder(ACTIVE, tenant, Tenant::usage).strongReference(true));
			}
		}
		bind(registry, OTHER, this.other,
				Gauge.builder(ACTIVE, tenants, TenantMeters::otherUsage).strongReference(true));
	}

	private static void bind(MeterRegistry registry, String tag, TagMeters meters, Gauge.Builder<?> active) {
		// No base unit, like hikaricp.connections.active: Prometheus would append it.
		active.description("Connections the tenant holds on the shared pools").tag("tenant", tag).register(registry);
		meters.bind(Timer.builder(WAIT)
			.description("Time waited for a slot of the tenant's quota, per slot taken")
			.tag("tenant", tag)
			.register(registry));
		FunctionCounter.builder(REJECTIONS, meters.rejections, LongAdder::sum)
			.description("Bindings refused because the tenant's quota stayed full (SQLSTATE 53300)")
			.tag("tenant", tag)
			.register(registry);
	}

	private static double otherUsage(Tenants tenants) {
		int usage = 0;
		for (Tenant tenant : tenants.all()) {
			if (!tenant.configured() || tenant.id().equals(OTHER)) {
				usage += tenant.usage();
			}
		}
		return usage;
	}

	/** The meters of one {@code tenant} tag. */
	private static final class TagMeters {

		private static final Timer[] NO_TIMERS = {};

		private final LongAdder rejections = new LongAdder();

		// One timer per bound registry; copied on binding, read on every slot taken.
		private volatile Timer[] waits = NO_TIMERS;

		void waited(long nanos) {
			for (Timer wait : this.waits) {
				wait.record(nanos, TimeUnit.NANOSECONDS);
			}
		}

		synchronized void bind(Timer wait) {
			Timer[] waits = this.waits;
			for (Timer bound : waits) {
				if (bound == wait) {
					return;
				}
			}
			Timer[] more = Arrays.copyOf(waits, waits.length + 1);
			more[waits.length] = wait;
			this.waits = more;
		}

	}

}
