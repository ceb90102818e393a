package io.routingpools;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.MonitorSettings;
import io.routingpools.replica.ReplicaMonitor;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.tenant.InvalidTenantIdException;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.TenantEvents;
import io.routingpools.tenant.TenantQuotaExceededException;
import io.routingpools.tenant.TenantSettings;
import io.routingpools.tenant.Tenants;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The tenants in the operator API: the list with each tenant's quota and usage, and quota
 * changes at runtime, which take effect for work already waiting. Slots of the quota are
 * taken as the routing DataSource takes them for a binding to a shared pool
 * ({@link Tenant#acquire()}, {@link Tenant#release()}); no connection is needed.
 */
class RoutingPoolsTenantsTests {

	/**
	 * Longer than any test waits: a waiter gets a slot only through what the test does.
	 */
	private static final Duration LONG_WAIT = Duration.ofMinutes(1);

	private final NamedPools pools = TestPools.withReplicaWeights();

	private final ReplicaStates states = new ReplicaStates(this.pools, Clock.systemUTC());

	private final ReplicaMonitor monitor = new ReplicaMonitor(this.pools, this.states,
			new MonitorSettings(Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofSeconds(5), 16_000_000, 1,
					2),
			FailoverEvents.NONE);

	private final ExecutorService waiters = Executors.newCachedThreadPool();

	/** One entry per slot taken, given back after each test. */
	private final List<Tenant> held = Collections.synchronizedList(new ArrayList<>());

	@AfterEach
	void giveBackAndClose() {
		this.waiters.shutdownNow();
		synchronized (this.held) {
			this.held.forEach(Tenant::release);
		}
		this.monitor.close();
		this.pools.close();
	}

	@Test
	void tenantsListsConfiguredTenantsAndThoseSeenSinceWithTheirQuotas() {
		RoutingPools routingPools = routingPools(Duration.ZERO, Map.of("globex", 3));
		routingPools.tenant("acme");
		assertThat(routingPools.tenants()).extracting(Tenant::id).containsExactly("acme", "globex");
		assertThat(routingPools.tenants()).extracting(Tenant::quota).containsExactly(5, 3);
		assertThat(routingPools.tenants()).allSatisfy((tenant) -> assertThat(tenant.dedicatedPool()).isNull());
	}

	@Test
	void tenantShowsItsUsageAndWaitingCallers() throws SQLException {
		RoutingPools routingPools = routingPools(LONG_WAIT, Map.of("acme", 1));
		Tenant acme = routingPools.tenant("acme");
		take(acme);
		CompletableFuture<Void> waiter = takeElsewhere(acme);
		Awaitility.await().until(() -> acme.waiting() == 1);
		assertThat(acme.usage()).isEqualTo(1);
		assertThat(waiter).isNotDone();
	}

	@Test
	void lowerQuotaMakesNewWorkFailOnceItsWaitEnds() throws SQLException {
		RoutingPools routingPools = routingPools(Duration.ofMillis(20), Map.of("acme", 3));
		Tenant acme = routingPools.tenant("acme");
		take(acme);
		take(acme);
		assertThat(routingPools.changeQuota("acme", 1)).isSameAs(acme);
		assertThat(acme.quota()).isEqualTo(1);
		assertThat(acme.usage()).as("slots in use stay in use").isEqualTo(2);
		assertThatExceptionOfType(TenantQuotaExceededException.class).isThrownBy(acme::acquire)
			.satisfies((ex) -> assertThat(ex.getQuota()).isEqualTo(1))
			.satisfies((ex) -> assertThat(ex.getUsage()).isEqualTo(2));
	}

	// Under the old quota of 3 a third slot was free: the waiter waits only because of
	// the change, and gets a slot once the usage falls below the new quota.
	@Test
	void lowerQuotaMakesNewWorkWaitUntilTheUsageFallsBelowIt() throws SQLException {
		RoutingPools routingPools = routingPools(LONG_WAIT, Map.of("acme", 3));
		Tenant acme = routingPools.tenant("acme");
		take(acme);
		take(acme);
		routingPools.changeQuota("acme", 1);
		CompletableFuture<Void> waiter = takeElsewhere(acme);
		Awaitility.await().until(() -> acme.waiting() == 1);
		giveBack(acme);
		giveBack(acme);
		Awaitility.await().until(waiter::isDone);
		assertThat(waiter).isCompleted();
		assertThat(acme.usage()).isEqualTo(1);
	}

	@Test
	void higherQuotaAdmitsWaitingWorkAtOnce() throws SQLException {
		RoutingPools routingPools = routingPools(LONG_WAIT, Map.of("acme", 1));
		Tenant acme = routingPools.tenant("acme");
		take(acme);
		CompletableFuture<Void> waiter = takeElsewhere(acme);
		Awaitility.await().until(() -> acme.waiting() == 1);
		routingPools.changeQuota("acme", 2);
		Awaitility.await().until(waiter::isDone);
		assertThat(waiter).isCompleted();
		assertThat(acme.usage()).isEqualTo(2);
	}

	@Test
	void quotaZeroLiftsTheLimitForWaitingWork() throws SQLException {
		RoutingPools routingPools = routingPools(LONG_WAIT, Map.of("acme", 1));
		Tenant acme = routingPools.tenant("acme");
		take(acme);
		CompletableFuture<Void> waiter = takeElsewhere(acme);
		Awaitility.await().until(() -> acme.waiting() == 1);
		routingPools.changeQuota("acme", 0);
		Awaitility.await().until(waiter::isDone);
		assertThat(waiter).isCompleted();
		assertThat(acme.quota()).isZero();
		assertThat(acme.usage()).isEqualTo(2);
	}

	@Test
	void negativeQuotaIsRefusedNamingTheTenantAndTheQuotaStays() {
		RoutingPools routingPools = routingPools(Duration.ZERO, Map.of("acme", 3));
		assertThatIllegalArgumentException().isThrownBy(() -> routingPools.changeQuota("acme", -1))
			.withMessageContaining("not -1")
			.withMessageContaining("tenant 'acme'");
		assertThat(routingPools.tenant("acme").quota()).isEqualTo(3);
	}

	@Test
	void quotaChangeRefusesAnInvalidTenantIdWithoutRepeatingIt() {
		RoutingPools routingPools = routingPools(Duration.ZERO, Map.of());
		assertThatExceptionOfType(InvalidTenantIdException.class)
			.isThrownBy(() -> routingPools.changeQuota("acme\nforged log line", -1))
			.withMessageNotContaining("\n");
		assertThat(routingPools.tenants()).isEmpty();
	}

	@Test
	void tenantLookupRefusesAnInvalidTenantId() {
		RoutingPools routingPools = routingPools(Duration.ZERO, Map.of());
		assertThatExceptionOfType(InvalidTenantIdException.class).isThrownBy(() -> routingPools.tenant("a b"));
		assertThat(routingPools.tenants()).isEmpty();
	}

	@Test
	void quotaChangedBeforeATenantsFirstWorkAppliesWhenItArrives() {
		RoutingPools routingPools = routingPools(Duration.ZERO, Map.of());
		routingPools.changeQuota("initech", 7);
		assertThat(routingPools.tenant("initech").quota()).isEqualTo(7);
	}

	private RoutingPools routingPools(Duration quotaWaitTimeout, Map<String, Integer> quotas) {
		Tenants tenants = new Tenants(new TenantSettings(5, quotaWaitTimeout, quotas, null, Set.of()), this.pools,
				TenantEvents.NONE);
		return new RoutingPools(this.pools, this.states, this.monitor, tenants);
	}

	private void take(Tenant tenant) throws SQLException {
		tenant.acquire();
		this.held.add(tenant);
	}

	private void giveBack(Tenant tenant) {
		assertThat(this.held.remove(tenant)).isTrue();
		tenant.release();
	}

	private CompletableFuture<Void> takeElsewhere(Tenant tenant) {
		return CompletableFuture.runAsync(() -> {
			try {
				take(tenant);
			}
			catch (SQLException ex) {
				throw new CompletionException(ex);
			}
		}, this.waiters);
	}

}
