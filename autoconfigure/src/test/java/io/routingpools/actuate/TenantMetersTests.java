package io.routingpools.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.TenantQuotaExceededException;
import io.routingpools.tenant.TenantSettings;
import io.routingpools.tenant.Tenants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code routingpools.tenant.*} meters follow the tenants' slots and refusals, with a
 * {@code tenant} tag per configured tenant ({@code acme} has a quota of its own,
 * {@code bigcorp} a dedicated pool) and {@code other} for the rest.
 */
class TenantMetersTests {

	private final NamedPools pools = TestPools.withReplicaWeights();

	private final TenantMeters meters = new TenantMeters(() -> this.tenants);

	// Quota 2 for acme, 3 for the others; a refusal after 10 ms.
	private final Tenants tenants = new Tenants(
			new TenantSettings(3, Duration.ofMillis(10), Map.of("acme", 2), null, Set.of("bigcorp")), this.pools,
			this.meters);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void bindsEachMeterForEveryConfiguredTenantAndOther() {
		this.meters.bindTo(this.registry);
		assertThat(this.registry.find(TenantMeters.ACTIVE).gauges()).map((gauge) -> gauge.getId().getTag("tenant"))
			.containsExactlyInAnyOrder("acme", "bigcorp", "other");
		assertThat(this.registry.find(TenantMeters.WAIT).timers()).map((timer) -> timer.getId().getTag("tenant"))
			.containsExactlyInAnyOrder("acme", "bigcorp", "other");
		assertThat(this.registry.find(TenantMeters.REJECTIONS).functionCounters())
			.map((counter) -> counter.getId().getTag("tenant"))
			.containsExactlyInAnyOrder("acme", "bigcorp", "other");
	}

	@Test
	void metersStartAtZero() {
		this.meters.bindTo(this.registry);
		assertThat(active("acme")).isZero();
		assertThat(active("other")).isZero();
		assertThat(waits("bigcorp")).isZero();
		assertThat(rejections("other")).isZero();
	}

	@Test
	void configuredTenantIsMeasuredUnderItsOwnTag() throws Exception {
		this.meters.bindTo(this.registry);
		this.tenants.tenant("acme").acquire();
		assertThat(waits("acme")).isOne();
		assertThat(active("acme")).isOne();
		assertThat(waits("other")).isZero();
		assertThat(active("other")).isZero();
	}

	@Test
	void unconfiguredTenantsAreSummedUnderOther() throws Exception {
		this.meters.bindTo(this.registry);
		this.tenants.tenant("initech").acquire();
		this.tenants.tenant("umbrella").acquire();
		this.tenants.tenant("umbrella").acquire();
		assertThat(active("other")).isEqualTo(3.0);
		assertThat(waits("other")).isEqualTo(3);
		assertThat(this.registry.find(TenantMeters.ACTIVE).tag("tenant", "umbrella").gauge()).isNull();
		assertThat(this.registry.find(TenantMeters.WAIT).tag("tenant", "initech").timer()).isNull();
	}

	@Test
	void tenantSeenBeforeBindingIsSummedUnderOther() throws Exception {
		this.tenants.tenant("initech").acquire();
		this.meters.bindTo(this.registry);
		assertThat(active("other")).isOne();
		assertThat(this.registry.find(TenantMeters.ACTIVE).tag("tenant", "initech").gauge()).isNull();
	}

	@Test
	void activeGaugeFollowsUsage() throws Exception {
		this.meters.bindTo(this.registry);
		Tenant acme = this.tenants.tenant("acme");
		acme.acquire();
		acme.acquire();
		assertThat(active("acme")).isEqualTo(2.0);
		acme.release();
		assertThat(active("acme")).isOne();
		acme.release();
		assertThat(active("acme")).isZero();
	}

	@Test
	void waitTimerCountsEverySlotTakenIncludingThoseTakenWithoutWaiting() throws Exception {
		this.meters.bindTo(this.registry);
		Tenant acme = this.tenants.tenant("acme");
		acme.acquire();
		acme.release();
		acme.acquire();
		acme.acquire();
		assertThat(waits("acme")).isEqualTo(3);
		assertThat(waitTimer("acme").totalTime(TimeUnit.NANOSECONDS)).isZero();
	}

	@Test
	void waitTimerRecordsHowLongTheSlotWasAwaited() {
		this.meters.bindTo(this.registry);
		this.meters.acquired(this.tenants.tenant("acme"), 7_000_000);
		assertThat(waitTimer("acme").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
		assertThat(waitTimer("acme").max(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
	}

	@Test
	void rejectionIsCountedWhenTheQuotaWaitTimesOut() throws Exception {
		this.meters.bindTo(this.registry);
		Tenant acme = holdEverySlot("acme");
		assertThatExceptionOfType(TenantQuotaExceededException.class).isThrownBy(acme::acquire);
		assertThat(rejections("acme")).isOne();
		assertThat(rejections("other")).isZero();
	}

	@Test
	void refusedWaitIsNotInTheWaitTimer() throws Exception {
		this.meters.bindTo(this.registry);
		Tenant acme = holdEverySlot("acme");
		assertThatExceptionOfType(TenantQuotaExceededException.class).isThrownBy(acme::acquire);
		assertThat(waits("acme")).isEqualTo(2);
		assertThat(waitTimer("acme").totalTime(TimeUnit.NANOSECONDS)).isZero();
	}

	@Test
	void unconfiguredTenantsRejectionsAreCountedUnderOther() throws Exception {
		this.meters.bindTo(this.registry);
		Tenant initech = holdEverySlot("initech");
		assertThatExceptionOfType(TenantQuotaExceededException.class).isThrownBy(initech::acquire);
		assertThat(rejections("other")).isOne();
	}

	@Test
	void rejectionsCountedBeforeTheRegistryBindsAreKept() throws Exception {
		Tenant acme = holdEverySlot("acme");
		assertThatExceptionOfType(TenantQuotaExceededException.class).isThrownBy(acme::acquire);
		this.meters.bindTo(this.registry);
		assertThat(rejections("acme")).isOne();
	}

	@Test
	void waitsAreRecordedInEveryBoundRegistry() throws Exception {
		SimpleMeterRegistry second = new SimpleMeterRegistry();
		this.meters.bindTo(this.registry);
		this.meters.bindTo(second);
		this.tenants.tenant("acme").acquire();
		assertThat(waits("acme")).isOne();
		assertThat(second.get(TenantMeters.WAIT).tag("tenant", "acme").timer().count()).isOne();
	}

	@Test
	void bindingTheSameRegistryTwiceRecordsEachWaitOnce() throws Exception {
		this.meters.bindTo(this.registry);
		this.meters.bindTo(this.registry);
		this.tenants.tenant("acme").acquire();
		assertThat(waits("acme")).isOne();
	}

	@Test
	void tenantConfiguredAsOtherIsMeasuredWithTheUnconfiguredOnes() throws Exception {
		AtomicReference<Tenants> tenants = new AtomicReference<>();
		TenantMeters meters = new TenantMeters(tenants::get);
		tenants.set(new Tenants(new TenantSettings(3, Duration.ofMillis(10), Map.of("other", 2), null, Set.of()),
				this.pools, meters));
		meters.bindTo(this.registry);
		tenants.get().tenant("other").acquire();
		tenants.get().tenant("initech").acquire();
		assertThat(this.registry.find(TenantMeters.ACTIVE).gauges()).hasSize(1);
		assertThat(active("other")).isEqualTo(2.0);
		assertThat(waits("other")).isEqualTo(2);
	}

	private Tenant holdEverySlot(String id) throws Exception {
		Tenant tenant = this.tenants.tenant(id);
		for (int i = 0; i < tenant.quota(); i++) {
			tenant.acquire();
		}
		return tenant;
	}

	private double active(String tenant) {
		return this.registry.get(TenantMeters.ACTIVE).tag("tenant", tenant).gauge().value();
	}

	private Timer waitTimer(String tenant) {
		return this.registry.get(TenantMeters.WAIT).tag("tenant", tenant).timer();
	}

	private long waits(String tenant) {
		return waitTimer(tenant).count();
	}

	private double rejections(String tenant) {
		return this.registry.get(TenantMeters.REJECTIONS).tag("tenant", tenant).functionCounter().count();
	}

}
