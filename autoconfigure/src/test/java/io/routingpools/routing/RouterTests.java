package io.routingpools.routing;

import java.time.Clock;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import io.routingpools.consistency.TestConsistency;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolDefinition;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.TestReplicaStates;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.test.stub.StubConnection;
import io.routingpools.test.stub.StubDriver;
import io.routingpools.test.stub.StubPools;
import io.routingpools.tenant.Tenant;
import io.routingpools.tenant.Tenants;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The route decision on pools of the stub driver: explicit routes, replicas in turn,
 * suspects passed over until their mark expires, fallback with its permits, and the
 * errors when nothing can serve.
 */
class RouterTests {

	private static final Duration SUSPECT_TIME = Duration.ofSeconds(2);

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final List<Connection> borrowed = new ArrayList<>();

	private @Nullable NamedPools pools;

	private SuspectReplicas suspects = new SuspectReplicas(0);

	private ReplicaStates states() {
		return Objects.requireNonNull(this.states);
	}

	private @Nullable ReplicaStates states;

	@AfterEach
	void closePools() throws SQLException {
		for (Connection connection : this.borrowed) {
			connection.close();
		}
		if (this.pools != null) {
			this.pools.close();
		}
		StubDriver.accept(StubPools.url("replica-a"));
		StubDriver.accept(StubPools.url("replica-b"));
	}

	@Test
	void workNotMarkedReadOnlyGoesToThePrimary() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(false);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("primary"));
		assertThat(binding.route).hasToString("primary (write)");
	}

	@Test
	void readOnlyWorkGoesToAReplica() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("replica-a"));
		assertThat(binding.route).hasToString("replica-a (read-only)");
	}

	@Test
	void routesListOnlyWhatEachPoolCanServe() {
		Router router = router(fallback(true, 0), "replica-a");
		assertThat(router.routes()).extracting(Route::toString)
			.containsExactlyInAnyOrder("primary (write)", "primary (explicit)", "primary (fallback)",
					"primary (standby-unsupported)", "primary (consistency)", "replica-a (read-only)",
					"replica-a (explicit)", "replica-a (auto-commit-read)", "admin (explicit)");
	}

	@Test
	void readOnlyWorkGoesToThePrimaryWhenThereIsNoReplica() throws SQLException {
		Router router = router(fallback(false, 0));
		TestBinding binding = new TestBinding(true);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("primary"));
		assertThat(binding.route).hasToString("primary (read-only)");
	}

	@Test
	void serializableReadOnlyWorkGoesToThePrimaryBecauseAStandbyCannotRunIt() throws SQLException {
		Router router = router(fallback(false, 0), "replica-a");
		TestBinding binding = new TestBinding(true, Connection.TRANSACTION_SERIALIZABLE);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("primary"));
		assertThat(binding.route).hasToString("primary (standby-unsupported)");
	}

	@Test
	void repeatableReadReadOnlyWorkGoesToAReplica() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true, Connection.TRANSACTION_REPEATABLE_READ);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("replica-a"));
		assertThat(binding.route).hasToString("replica-a (read-only)");
	}

	@Test
	void readOnlyWorkWhoseIsolationIsNotKnownYetGoesToAReplica() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true, RoutingDataSource.UNKNOWN_ISOLATION);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("replica-a"));
	}

	@Test
	void serializableWorkNamedToAReplicaIsRefusedWith0A000WithoutBorrowing() {
		Router router = router(fallback(true, 0), "replica-a");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> PoolRouting.call("replica-a",
					() -> acquire(router, new TestBinding(true, Connection.TRANSACTION_SERIALIZABLE))))
			.withMessageContaining("Pool 'replica-a' is a hot standby")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("0A000"));
		assertThat(pool("replica-a").dataSource().getHikariPoolMXBean().getActiveConnections()).isZero();
	}

	@Test
	void replicasTakeTurnsInTheBalancersOrder() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a", "replica-b");
		List<String> urls = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			urls.add(url(acquire(router, new TestBinding(true))));
		}
		assertThat(urls).containsExactly(StubPools.url("replica-a"), StubPools.url("replica-b"),
				StubPools.url("replica-a"), StubPools.url("replica-b"));
	}

	@Test
	void anExplicitRouteWinsOverTheReadOnlyFlag() throws Exception {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true);
		Connection connection = PoolRouting.call("admin", () -> acquire(router, binding));
		assertThat(url(connection)).isEqualTo(StubPools.url("admin"));
		assertThat(binding.route).hasToString("admin (explicit)");
	}

	@Test
	void anExplicitRouteToAnUnknownPoolFailsNamingThePools() {
		Router router = router(fallback(true, 0), "replica-a");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> PoolRouting.call("reporting", () -> acquire(router, new TestBinding(false))))
			.withMessageContaining("'reporting'")
			.withMessageContaining("[primary, replica-a, admin]")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("3D000"));
	}

	@Test
	void aReplicaThatCannotConnectIsMarkedSuspectAndTheReadMovesToTheNextReplica() throws SQLException {
		StubDriver.refuse(StubPools.url("replica-a"));
		Router router = router(fallback(true, 0), "replica-a", "replica-b");
		TestBinding binding = new TestBinding(true);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("replica-b"));
		assertThat(this.suspects.isSuspect(pool("replica-a"))).isTrue();
		assertThat(this.suspects.isSuspect(pool("replica-b"))).isFalse();
	}

	@Test
	void aReplicaTheMonitorFoundOutOfRotationGetsNoReads() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a", "replica-b");
		StubDriver.refuse(StubPools.url("replica-b"));
		TestReplicaStates.set(states(), pool("replica-a"), ReplicaState.LAGGING, "set by a test");
		TestBinding binding = new TestBinding(true);
		acquire(router, binding);
		assertThat(binding.route).hasToString("primary (fallback)");
	}

	@Test
	void withoutFallbackAReplicaTheMonitorFoundDownIsNotTriedAndTheErrorSaysWhy() {
		Router router = router(fallback(false, 0), "replica-a");
		TestReplicaStates.set(states(), pool("replica-a"), ReplicaState.DOWN, "set by a test");
		assertThatExceptionOfType(SQLTransientConnectionException.class)
			.isThrownBy(() -> acquire(router, new TestBinding(true)))
			.withMessageContaining("replica 'replica-a' is down: set by a test")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
	}

	@Test
	void aSuspectReplicaIsPassedOverWithoutBeingAsked() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a", "replica-b");
		this.suspects.markSuspect(pool("replica-a"), "failed in a test", new SQLException("test", "08006"));
		for (int i = 0; i < 3; i++) {
			TestBinding binding = new TestBinding(true);
			Connection connection = router.acquire(binding, null);
			assertThat(url(connection)).isEqualTo(StubPools.url("replica-b"));
			connection.close();
			router.released(binding.route(), connection);
		}
	}

	@Test
	void aSuspectReplicaReturnsToRotationWhenItsMarkExpires() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		this.suspects.markSuspect(pool("replica-a"), "failed in a test", new SQLException("test", "08006"));
		assertThat(url(acquire(router, new TestBinding(true)))).isEqualTo(StubPools.url("primary"));
		this.clock.addAndGet(SUSPECT_TIME.toNanos() - 1);
		assertThat(url(acquire(router, new TestBinding(true)))).isEqualTo(StubPools.url("primary"));
		this.clock.addAndGet(1);
		assertThat(url(acquire(router, new TestBinding(true)))).isEqualTo(StubPools.url("replica-a"));
		assertThat(this.suspects.isSuspect(pool("replica-a"))).isFalse();
	}

	@Test
	void aReadThatNoReplicaCanServeFallsBackToThePrimary() throws SQLException {
		StubDriver.refuse(StubPools.url("replica-a"));
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("primary"));
		assertThat(binding.route).hasToString("primary (fallback)");
	}

	@Test
	void aReadThatNoReplicaCanServeFailsWhenFallbackIsOff() {
		StubDriver.refuse(StubPools.url("replica-a"));
		Router router = router(fallback(false, 0), "replica-a");
		assertThatExceptionOfType(SQLTransientConnectionException.class)
			.isThrownBy(() -> acquire(router, new TestBinding(true)))
			.withMessageContaining("replica-a")
			.withMessageContaining("fallback-to-primary is false")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
	}

	@Test
	void everySuspectReplicaIsStillTriedWhenFallbackIsOff() throws SQLException {
		Router router = router(fallback(false, 0), "replica-a");
		this.suspects.markSuspect(pool("replica-a"), "failed in a test", new SQLException("test", "08006"));
		assertThat(url(acquire(router, new TestBinding(true)))).isEqualTo(StubPools.url("replica-a"));
	}

	@Test
	void fallbackBeyondItsMaximumConcurrencyFailsNamingTheLimit() throws SQLException {
		StubDriver.refuse(StubPools.url("replica-a"));
		Router router = router(fallback(true, 1), "replica-a");
		acquire(router, new TestBinding(true));
		assertThatExceptionOfType(SQLTransientConnectionException.class)
			.isThrownBy(() -> acquire(router, new TestBinding(true)))
			.withMessageContaining("1 reads are already falling back to pool 'primary'")
			.withMessageContaining("fallback-max-concurrency")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
	}

	@Test
	void aFallbackPermitIsReturnedWhenItsBindingIsReleased() throws SQLException {
		StubDriver.refuse(StubPools.url("replica-a"));
		Router router = router(fallback(true, 1), "replica-a");
		TestBinding first = new TestBinding(true);
		Connection connection = acquire(router, first);
		connection.close();
		this.borrowed.remove(connection);
		router.released(first.route(), connection);
		TestBinding second = new TestBinding(true);
		acquire(router, second);
		assertThat(second.route).hasToString("primary (fallback)");
	}

	@Test
	void aSaturatedReplicaIsPassedOverForThisReadOnlyWithoutBecomingSuspect() throws Exception {
		this.pools = NamedPools.start(List.of(StubPools.definition("primary", PoolRole.PRIMARY, 1),
				saturatedReplica("replica-a"), StubPools.definition("admin", PoolRole.ADMIN, 1)));
		Router router = new Router(this.pools, new RoundRobinLoadBalancer(), fallback(true, 0),
				this.suspects = new SuspectReplicas(this.pools.size(), SUSPECT_TIME, this.clock::get),
				new ReplicaStates(this.pools, Clock.systemUTC()), FailoverEvents.NONE,
				TestConsistency.none(new ReplicaStates(this.pools, Clock.systemUTC())),
				Tenants.withDefaults(this.pools));
		NamedPool replica = pool("replica-a");
		this.borrowed.add(replica.borrow());
		CompletableFuture.runAsync(() -> borrowAndClose(replica));
		Awaitility.await().until(() -> replica.dataSource().getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
		TestBinding binding = new TestBinding(true);
		assertThat(url(acquire(router, binding))).isEqualTo(StubPools.url("primary"));
		assertThat(binding.route).hasToString("primary (fallback)");
		assertThat(this.suspects.isSuspect(replica)).isFalse();
	}

	@Test
	void borrowingFromAPoolWithTooManyWaitersFailsFastWith53300() throws Exception {
		this.pools = NamedPools.start(List.of(StubPools.definition("primary", PoolRole.PRIMARY, 1),
				saturatedReplica("replica-a"), StubPools.definition("admin", PoolRole.ADMIN, 1)));
		NamedPool replica = pool("replica-a");
		this.borrowed.add(replica.borrow());
		CompletableFuture.runAsync(() -> borrowAndClose(replica));
		Awaitility.await().until(() -> replica.dataSource().getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
		assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(replica::borrow)
			.withMessageContaining("Pool 'replica-a' already has 1 callers waiting")
			.withMessageContaining("max-waiting=1")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("53300"));
	}

	@Test
	void aConnectionErrorOnAReplicaMarksItSuspectAndItsConnectionsAreNotLentAgain() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true);
		Connection connection = acquire(router, binding);
		StubConnection physical = connection.unwrap(StubConnection.class);
		router.failed(binding.route(), new SQLException("An I/O error occurred", "08006"));
		assertThat(this.suspects.isSuspect(pool("replica-a"))).isTrue();
		connection.close();
		Awaitility.await().until(physical::isClosed);
	}

	@Test
	void anErrorThatIsNotAConnectionErrorLeavesTheReplicaInRotation() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(true);
		acquire(router, binding);
		router.failed(binding.route(), new SQLException("cannot execute INSERT in a read-only transaction", "25006"));
		assertThat(this.suspects.isSuspect(pool("replica-a"))).isFalse();
	}

	@Test
	void aConnectionErrorOnThePrimaryMarksNothing() throws SQLException {
		Router router = router(fallback(true, 0), "replica-a");
		TestBinding binding = new TestBinding(false);
		acquire(router, binding);
		router.failed(binding.route(), new SQLException("An I/O error occurred", "08006"));
		assertThat(this.suspects.isSuspect(pool("primary"))).isFalse();
		assertThat(url(acquire(router, new TestBinding(false)))).isEqualTo(StubPools.url("primary"));
	}

	private Router router(FallbackPolicy fallback, String... replicas) {
		this.pools = StubPools.start(2, replicas);
		this.suspects = new SuspectReplicas(this.pools.size(), SUSPECT_TIME, this.clock::get);
		this.states = new ReplicaStates(this.pools, Clock.systemUTC());
		return new Router(this.pools, new RoundRobinLoadBalancer(), fallback, this.suspects, this.states,
				FailoverEvents.NONE, TestConsistency.none(this.states), Tenants.withDefaults(this.pools));
	}

	private static FallbackPolicy fallback(boolean toPrimary, int maxConcurrency) {
		return new FallbackPolicy(toPrimary, maxConcurrency);
	}

	private static PoolDefinition saturatedReplica(String name) {
		HikariConfig hikari = StubPools.definition(name, PoolRole.REPLICA, 1).toHikariConfig();
		hikari.setConnectionTimeout(60_000);
		return new PoolDefinition(name, PoolRole.REPLICA, hikari, Duration.ZERO, 1, 1);
	}

	private NamedPool pool(String name) {
		NamedPools started = this.pools;
		NamedPool pool = (started != null) ? started.find(name) : null;
		assertThat(pool).as("pool %s", name).isNotNull();
		return pool;
	}

	private Connection acquire(Router router, TestBinding binding) throws SQLException {
		Connection connection = router.acquire(binding, PoolRouting.currentPool());
		this.borrowed.add(connection);
		return connection;
	}

	// Waits for a connection and gives it back at once, so that closing the pools does
	// not
	// wait for it.
	private static void borrowAndClose(NamedPool pool) {
		try (Connection connection = pool.borrow()) {
			connection.isValid(1);
		}
		catch (SQLException ex) {
			// the pool closed first
		}
	}

	private static String url(Connection connection) throws SQLException {
		return connection.unwrap(StubConnection.class).url();
	}

	private static final class TestBinding implements Binding {

		private final boolean readOnly;

		private final int isolation;

		private @Nullable Route route;

		TestBinding(boolean readOnly) {
			this(readOnly, Connection.TRANSACTION_READ_COMMITTED);
		}

		TestBinding(boolean readOnly, int isolation) {
			this.readOnly = readOnly;
			this.isolation = isolation;
		}

		@Override
		public boolean readOnlyIntent() {
			return this.readOnly;
		}

		@Override
		public boolean plainReadIntent() {
			return false;
		}

		@Override
		public @Nullable Tenant tenant() {
			return null;
		}

		@Override
		public void mustHaveReplayed(long position) {
			throw new AssertionError("No scope wrote anything");
		}

		@Override
		public int transactionIsolation() {
			return this.isolation;
		}

		@Override
		public void routed(Route route) {
			this.route = route;
		}

		Route route() {
			assertThat(this.route).isNotNull();
			return this.route;
		}

	}

}
