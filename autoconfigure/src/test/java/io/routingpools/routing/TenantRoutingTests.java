package io.routingpools.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

import io.routingpools.consistency.TestConsistency;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.tenant.TenantEvents;
import io.routingpools.tenant.TenantQuotaExceededException;
import io.routingpools.tenant.TenantScope;
import io.routingpools.tenant.TenantSettings;
import io.routingpools.tenant.Tenants;
import io.routingpools.test.stub.StubConnection;
import io.routingpools.test.stub.StubPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Where tenant work binds and what it holds (DESIGN section 7), on pools of the stub
 * driver: a slot of the tenant's quota for each binding to a shared pool, none on the
 * admin pool or its dedicated pool, and the dedicated pool for all its work unless
 * another pool is named.
 */
class TenantRoutingTests {

	private NamedPools pools;

	private Tenants tenants;

	private RoutingDataSource dataSource;

	@BeforeEach
	void startPools() {
		this.pools = NamedPools.start(List.of(StubPools.definition("primary", PoolRole.PRIMARY, 4),
				StubPools.definition("replica-a", PoolRole.REPLICA, 4),
				StubPools.definition("admin", PoolRole.ADMIN, 2),
				StubPools.definition("tenant-bigcorp", PoolRole.TENANT, 2)));
		this.tenants = new Tenants(
				new TenantSettings(5, Duration.ofMillis(50), Map.of("acme", 1), null, Set.of("bigcorp")), this.pools,
				TenantEvents.NONE);
		ReplicaStates states = new ReplicaStates(this.pools, Clock.systemUTC());
		Router router = new Router(this.pools, new RoundRobinLoadBalancer(), new FallbackPolicy(true, 0),
				new SuspectReplicas(this.pools.size(), Duration.ofMinutes(1), System::nanoTime), states,
				FailoverEvents.NONE, TestConsistency.none(states), this.tenants);
		this.dataSource = new RoutingDataSource(router, true, Connection.TRANSACTION_READ_COMMITTED);
	}

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void tenantWorkOnThePrimaryHoldsASlotOfItsQuotaUntilTheBindingEnds() throws Exception {
		TenantScope.call("acme", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				execute(connection, "insert into t values (1)");
				assertThat(usage("acme")).isOne();
				connection.commit();
				assertThat(usage("acme")).isZero();
			}
			return null;
		});
	}

	@Test
	void readOnlyTenantWorkOnAReplicaCountsAgainstTheSameQuota() throws Exception {
		TenantScope.call("acme", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				execute(connection, "select 1");
				assertThat(boundUrl(connection)).isEqualTo(StubPools.url("replica-a"));
				assertThat(usage("acme")).isOne();
			}
			return null;
		});
		assertThat(usage("acme")).isZero();
	}

	@Test
	void aBindingOverTheQuotaFailsAfterTheWaitNamingTenantQuotaAndUsage() throws Exception {
		TenantScope.call("acme", () -> {
			try (Connection holder = this.dataSource.getConnection();
					Connection second = this.dataSource.getConnection()) {
				execute(holder, "insert into t values (1)");
				assertThatExceptionOfType(TenantQuotaExceededException.class)
					.isThrownBy(() -> execute(second, "select 1"))
					.satisfies((ex) -> {
						assertThat(ex.getSQLState()).isEqualTo("53300");
						assertThat(ex.getTenant()).isEqualTo("acme");
						assertThat(ex.getQuota()).isOne();
						assertThat(ex.getUsage()).isOne();
						assertThat(ex.getMessage()).contains("'acme'", "quota of 1", "1 in use");
					});
				assertThat(active("primary")).isOne();
			}
			return null;
		});
		assertThat(usage("acme")).isZero();
	}

	@Test
	void aNestedBindingOfTheSameTenantCountsTwice() throws Exception {
		this.tenants.changeQuota("acme", 2);
		TenantScope.call("acme", () -> {
			try (Connection outer = this.dataSource.getConnection();
					Connection inner = this.dataSource.getConnection()) {
				execute(outer, "insert into t values (1)");
				execute(inner, "insert into t values (2)");
				assertThat(usage("acme")).isEqualTo(2);
			}
			return null;
		});
	}

	@Test
	void workWithoutATenantIsNotLimited() throws SQLException {
		try (Connection first = this.dataSource.getConnection(); Connection second = this.dataSource.getConnection()) {
			execute(first, "insert into t values (1)");
			execute(second, "insert into t values (2)");
			assertThat(active("primary")).isEqualTo(2);
		}
		assertThat(this.tenants.all()).allSatisfy((tenant) -> assertThat(tenant.usage()).isZero());
	}

	@Test
	void aDedicatedTenantsWorkBindsToItsPoolWithReasonTenantAndHoldsNoSlot() throws Exception {
		TenantScope.call("bigcorp", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				execute(connection, "select 1");
				assertThat(boundUrl(connection)).isEqualTo(StubPools.url("tenant-bigcorp"));
				assertThat(connection.toString()).contains("tenant-bigcorp (tenant)");
				assertThat(usage("bigcorp")).isZero();
			}
			return null;
		});
	}

	@Test
	void aDedicatedTenantsTransactionMayNameItsOwnPool() throws Exception {
		TenantScope.call("bigcorp", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				execute(connection, "insert into t values (1)");
				PoolRouting.call("tenant-bigcorp", () -> execute(connection, "insert into t values (2)"));
				assertThat(boundUrl(connection)).isEqualTo(StubPools.url("tenant-bigcorp"));
				connection.commit();
			}
			return null;
		});
	}

	@Test
	void aDedicatedTenantsWorkNamedToTheSharedPrimaryHoldsASlotOfItsQuota() throws Exception {
		TenantScope.call("bigcorp", () -> PoolRouting.call("primary", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				execute(connection, "insert into t values (1)");
				assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
				assertThat(usage("bigcorp")).isOne();
			}
			return null;
		}));
	}

	@Test
	void aTenantsWorkMayNotNameAnotherTenantsDedicatedPool() throws Exception {
		TenantScope.call("acme", () -> PoolRouting.call("tenant-bigcorp", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> execute(connection, "select 1"))
					.satisfies((ex) -> {
						assertThat(ex.getSQLState()).isEqualTo("42501");
						assertThat(ex.getMessage()).contains("tenant 'acme'", "'tenant-bigcorp'");
					});
			}
			return null;
		}));
		assertThat(usage("acme")).isZero();
	}

	@Test
	void operatorWorkWithoutATenantMayNameADedicatedPool() throws Exception {
		PoolRouting.call("tenant-bigcorp", () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				execute(connection, "create table t (id int)");
				assertThat(boundUrl(connection)).isEqualTo(StubPools.url("tenant-bigcorp"));
			}
			return null;
		});
	}

	@Test
	void aTenantWithQuotaZeroIsNotLimited() throws Exception {
		this.tenants.changeQuota("acme", 0);
		TenantScope.call("acme", () -> {
			try (Connection first = this.dataSource.getConnection();
					Connection second = this.dataSource.getConnection()) {
				execute(first, "insert into t values (1)");
				execute(second, "insert into t values (2)");
				assertThat(usage("acme")).isEqualTo(2);
			}
			return null;
		});
	}

	@Test
	void tenantWorkNamedToTheAdminPoolHoldsNoSlot() throws Exception {
		TenantScope.call("acme", () -> {
			try (Connection user = this.dataSource.getConnection()) {
				execute(user, "insert into t values (1)");
				PoolRouting.call("admin", () -> {
					try (Connection admin = this.dataSource.getConnection()) {
						execute(admin, "create table t2 (id int)");
						assertThat(boundUrl(admin)).isEqualTo(StubPools.url("admin"));
					}
					return null;
				});
				assertThat(usage("acme")).isOne();
			}
			return null;
		});
	}

	@Test
	void abortGivesTheSlotBack() throws Exception {
		TenantScope.call("acme", () -> {
			Connection connection = this.dataSource.getConnection();
			execute(connection, "insert into t values (1)");
			assertThat(usage("acme")).isOne();
			connection.abort(Executors.newSingleThreadExecutor());
			assertThat(usage("acme")).isZero();
			return null;
		});
	}

	@Test
	void theTenantIsTakenWhenTheConnectionBinds() throws Exception {
		Connection connection = this.dataSource.getConnection();
		try (connection) {
			TenantScope.call("acme", () -> execute(connection, "insert into t values (1)"));
			assertThat(usage("acme")).isOne();
		}
		assertThat(usage("acme")).isZero();
	}

	@Test
	void aLoweredQuotaRefusesNewWorkWhileTheUsageIsAboveIt() throws Exception {
		this.tenants.changeQuota("acme", 2);
		TenantScope.call("acme", () -> {
			Connection first = this.dataSource.getConnection();
			Connection second = this.dataSource.getConnection();
			try (Connection third = this.dataSource.getConnection()) {
				execute(first, "insert into t values (1)");
				execute(second, "insert into t values (2)");
				this.tenants.changeQuota("acme", 1);
				release(first);
				assertThatExceptionOfType(TenantQuotaExceededException.class)
					.isThrownBy(() -> execute(third, "select 1"));
				release(second);
				execute(third, "select 1");
				assertThat(usage("acme")).isOne();
			}
			return null;
		});
	}

	private static int execute(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.execute();
			return 1;
		}
	}

	private static void release(Connection connection) throws SQLException {
		try (connection) {
			assertThat(connection.isClosed()).isFalse();
		}
	}

	private int usage(String tenant) {
		return this.tenants.tenant(tenant).usage();
	}

	private int active(String pool) {
		return this.pools.find(pool).dataSource().getHikariPoolMXBean().getActiveConnections();
	}

	private static String boundUrl(Connection connection) throws SQLException {
		return connection.unwrap(StubConnection.class).url();
	}

}
