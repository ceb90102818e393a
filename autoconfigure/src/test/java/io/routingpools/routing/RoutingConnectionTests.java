package io.routingpools.routing;

import java.time.Clock;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import io.routingpools.consistency.TestConsistency;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolDefinition;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.test.stub.StubConnection;
import io.routingpools.test.stub.StubPools;
import io.routingpools.test.stub.StubPreparedStatement;
import io.routingpools.test.stub.StubResultSet;
import io.routingpools.tenant.Tenants;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The logical connection's binding lifecycle, as docs/routing.md lists it ("When a
 * binding starts and ends"), on pools of the stub driver: what binds, what ends a
 * binding, what keeps one, the closed states, the recorded settings, and the wrappers
 * around what a bound connection hands out.
 */
class RoutingConnectionTests {

	private NamedPools pools;

	private SuspectReplicas suspects;

	private RoutingDataSource dataSource;

	@BeforeEach
	void startPools() {
		this.pools = StubPools.start(2, "replica-a");
		this.suspects = new SuspectReplicas(this.pools.size(), Duration.ofMinutes(1), System::nanoTime);
		Router router = new Router(this.pools, new RoundRobinLoadBalancer(), new FallbackPolicy(true, 0), this.suspects,
				new ReplicaStates(this.pools, Clock.systemUTC()), FailoverEvents.NONE,
				TestConsistency.none(new ReplicaStates(this.pools, Clock.systemUTC())),
				Tenants.withDefaults(this.pools));
		this.dataSource = new RoutingDataSource(router, true, Connection.TRANSACTION_READ_COMMITTED);
	}

	@AfterEach
	void closePools() {
		this.pools.close();
		TransactionSynchronizationManager.clear();
	}

	@Test
	void gettingAConnectionBorrowsNothing() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(boundUrl(connection)).isNull();
			assertThat(active("primary") + active("replica-a") + active("admin")).isZero();
		}
	}

	@Test
	void eachBindingIsCountedOnItsRoute() throws SQLException {
		for (int i = 0; i < 2; i++) {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				connection.prepareStatement("select 1").executeQuery();
				connection.commit();
			}
		}
		try (Connection connection = this.dataSource.getConnection()) {
			connection.prepareStatement("insert into t values (1)").executeUpdate();
		}
		Router router = this.dataSource.router();
		assertThat(router.routes()).filteredOn((route) -> route.bindings() > 0)
			.extracting(Route::toString, Route::bindings)
			.containsExactlyInAnyOrder(tuple("replica-a (read-only)", 2L), tuple("primary (write)", 1L));
	}

	@Test
	void settingsAreRecordedWithoutBinding() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.setReadOnly(true);
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			connection.setCatalog("catalog");
			connection.setSchema("schema");
			connection.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
			connection.setTypeMap(Map.of());
			connection.setClientInfo("ApplicationName", "test");
			assertThat(boundUrl(connection)).isNull();
			assertThat(connection.getAutoCommit()).isFalse();
			assertThat(connection.isReadOnly()).isTrue();
			assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
		}
	}

	@Test
	void recordedSettingsAreReplayedWhenTheConnectionBinds() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			connection.setCatalog("catalog");
			connection.setSchema("schema");
			connection.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
			connection.createStatement().close();
			StubConnection physical = stub(connection);
			assertThat(physical.getAutoCommit()).isFalse();
			assertThat(physical.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
			assertThat(physical.getCatalog()).isEqualTo("catalog");
			assertThat(physical.getSchema()).isEqualTo("schema");
			assertThat(physical.getHoldability()).isEqualTo(ResultSet.CLOSE_CURSORS_AT_COMMIT);
		}
	}

	@Test
	void theFirstStatementOfWorkNotMarkedReadOnlyBindsToThePrimary() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
		}
	}

	@Test
	void theFirstStatementOfReadOnlyWorkBindsToAReplica() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("replica-a"));
		}
	}

	@Test
	void readOnlyWorkThatFallsBackToThePrimaryIsSetReadOnlyThere() throws SQLException {
		this.suspects.markSuspect(pool("replica-a"), "failed in a test", new SQLException("test", "08006"));
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
			assertThat(stub(connection).isReadOnly()).isTrue();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("bindingCalls")
	void callsThatNeedTheDatabaseBind(String call, ThrowingConsumer<Connection> work) throws Throwable {
		try (Connection connection = this.dataSource.getConnection()) {
			work.accept(connection);
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
		}
	}

	static Stream<Arguments> bindingCalls() {
		return Stream.of(bindingCall("createStatement", Connection::createStatement),
				bindingCall("prepareStatement", (connection) -> connection.prepareStatement("select 1")),
				bindingCall("prepareCall", (connection) -> connection.prepareCall("call p()")),
				bindingCall("getMetaData", Connection::getMetaData),
				bindingCall("nativeSQL", (connection) -> connection.nativeSQL("select 1")),
				bindingCall("isValid", (connection) -> connection.isValid(1)),
				bindingCall("getSchema", Connection::getSchema), bindingCall("getCatalog", Connection::getCatalog),
				bindingCall("getHoldability", Connection::getHoldability),
				bindingCall("unwrap", (connection) -> connection.unwrap(StubConnection.class)));
	}

	private static Arguments bindingCall(String name, ThrowingConsumer<Connection> call) {
		return Arguments.of(name, call);
	}

	@Test
	void commitEndsTheBindingOfATransaction() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().close();
			connection.commit();
			assertThat(boundUrl(connection)).isNull();
			assertThat(active("primary")).isZero();
		}
	}

	@Test
	void rollbackEndsTheBindingOfATransaction() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().close();
			connection.rollback();
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void switchingAutoCommitOnEndsTheBindingOfATransaction() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().close();
			connection.setAutoCommit(true);
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void aTransactionThatBeginsAfterAutoCommitWorkIsRoutedOnItsOwn() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(boundUrl(connection)).isNull();
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("replica-a"));
		}
	}

	@Test
	void beginningATransactionAfterAutoCommitWorkEndsTheBinding() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			connection.setAutoCommit(false);
			assertThat(boundUrl(connection)).isNull();
			assertThat(active("primary")).isZero();
		}
	}

	@Test
	void closeEndsTheBinding() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.createStatement().close();
		connection.close();
		assertThat(active("primary")).isZero();
	}

	@Test
	void anOpenStatementKeepsTheBindingIntoTheNextTransaction() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			PreparedStatement statement = connection.prepareStatement("select 1");
			StubConnection physical = stub(connection);
			connection.commit();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
			statement.executeQuery().close();
			assertThat(stub(connection)).isSameAs(physical);
			statement.close();
			connection.commit();
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void closingAStatementOfAnEarlierBindingDoesNotReleaseTheCurrentOne() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			PreparedStatement earlier = connection.prepareStatement("select 1");
			connection.setReadOnly(false);
			PreparedStatement kept = connection.prepareStatement("select 1");
			earlier.close();
			connection.setAutoCommit(false);
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
			kept.executeQuery().close();
		}
	}

	@Test
	void closeOnCompletionCountsAsClosed() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.prepareStatement("select 1").closeOnCompletion();
			connection.commit();
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void anOpenCallableStatementKeepsTheBinding() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			CallableStatement call = connection.prepareCall("call p()");
			connection.commit();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
			call.close();
			connection.commit();
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void unwrappingToADriverTypeKeepsTheBindingUntilClose() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.setAutoCommit(false);
		connection.unwrap(StubConnection.class);
		connection.commit();
		assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
		connection.close();
		assertThat(active("primary")).isZero();
	}

	@Test
	void unwrappingToTheLogicalConnectionBindsNothing() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.unwrap(Connection.class)).isSameAs(connection);
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void settingANetworkTimeoutKeepsTheBindingUntilClose() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.setNetworkTimeout(Runnable::run, 1000);
			connection.commit();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
		}
	}

	@Test
	void aReplicaKeptAfterAReadOnlyTransactionIsReleasedBeforeAWriteClosingWhatItKept() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			PreparedStatement kept = connection.prepareStatement("select 1");
			connection.commit();
			connection.setAutoCommit(true);
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("replica-a"));
			connection.setReadOnly(false);
			assertThat(boundUrl(connection)).isNull();
			assertThat(active("replica-a")).isZero();
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(kept::executeQuery);
		}
	}

	@Test
	void namingAnotherPoolInsideATransactionFailsNamingBothPools() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().close();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> PoolRouting.call("admin", connection::createStatement))
				.withMessageContaining("Pool 'admin' was requested")
				.withMessageContaining("inside a transaction bound to pool 'primary'")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
		}
	}

	@Test
	void namingAnotherPoolAfterAutoCommitWorkBindsThere() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			PoolRouting.call("admin", connection::createStatement).close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("admin"));
		}
	}

	@Test
	void autoCommitWorkAfterAnExplicitRouteEndsIsRoutedAgain() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			PoolRouting.call("admin", connection::createStatement).close();
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
		}
	}

	@Test
	void aWriteAfterAnExplicitRouteToAReplicaEndedGoesToThePrimaryClosingWhatTheRouteKept() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			PreparedStatement kept = PoolRouting.call("replica-a", () -> connection.prepareStatement("select 1"));
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("primary"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(kept::executeQuery);
		}
	}

	@Test
	void aStatementStillOpenFromAnExplicitRouteKeepsItsPoolForWorkThatPoolServes() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			PreparedStatement kept = PoolRouting.call("admin", () -> connection.prepareStatement("select 1"));
			connection.createStatement().close();
			assertThat(boundUrl(connection)).isEqualTo(StubPools.url("admin"));
			kept.executeQuery().close();
		}
	}

	@Test
	void aReplicaKeptAcrossACommitIsReleasedBeforeTheNextWriteTransactionInManualCommitMode() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.setReadOnly(true);
			PreparedStatement kept = connection.prepareStatement("select 1");
			connection.commit();
			connection.setReadOnly(false);
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("primary (write)");
			assertThatExceptionOfType(SQLException.class).isThrownBy(kept::executeQuery);
		}
	}

	@Test
	void aSerializableReadOnlyTransactionBindsToThePrimaryMarkedReadOnly() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("primary (standby-unsupported)");
			assertThat(stub(connection).isReadOnly()).isTrue();
			assertThat(active("replica-a")).isZero();
		}
	}

	@Test
	void serializableIsolationSetAfterReadOnlyAutoCommitWorkMovesTheNextWorkToThePrimary() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("replica-a (read-only)");
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			assertThat(boundUrl(connection)).isNull();
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("primary (standby-unsupported)");
		}
	}

	@Test
	void serializableIsolationEndsAReplicaBindingKeptByAnOpenStatementClosingIt() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			PreparedStatement kept = connection.prepareStatement("select 1");
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			assertThat(boundUrl(connection)).isNull();
			assertThatExceptionOfType(SQLException.class).isThrownBy(kept::executeQuery);
		}
	}

	@Test
	void aPoolNamedInsideATransactionBeforeItsFirstStatementFailsNamingBothPools() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> PoolRouting.call("admin", connection::createStatement))
				.withMessageContaining("Pool 'admin' was requested")
				.withMessageContaining("inside a transaction bound to pool 'primary'")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
			assertThat(active("admin")).isZero();
		}
	}

	@Test
	void aTransactionKeepsThePoolNamedWhenItBeganAfterTheRouteEnds() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			PoolRouting.run("admin", () -> setAutoCommit(connection, false));
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("admin (explicit)");
		}
	}

	@Test
	void namingThePoolATransactionIsBoundToInsideItIsAllowed() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			PoolRouting.call("primary", connection::createStatement).close();
			assertThat(route(connection)).isEqualTo("primary (write)");
		}
	}

	@Test
	void namingEvenTheReplicaAReadOnlyTransactionRunsOnFailsBecauseTheBalancerChoseIt() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("replica-a (read-only)");
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> PoolRouting.call("replica-a", connection::createStatement))
				.withMessageContaining("chosen automatically")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
		}
	}

	@Test
	void anUnknownPoolNamedInsideATransactionFailsWith3D000() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> PoolRouting.call("reporting", connection::createStatement))
				.withMessageContaining("No pool named 'reporting'")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("3D000"));
		}
	}

	@Test
	void aPoolNamedInsideASpringTransactionDoesNotRouteTheConnectionItFirstUses() throws SQLException {
		TransactionSynchronizationManager.setActualTransactionActive(true);
		try (Connection connection = this.dataSource.getConnection()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> PoolRouting.call("admin", () -> {
				connection.setAutoCommit(false);
				return connection.createStatement();
			}))
				.withMessageContaining("Pool 'admin' was requested")
				.withMessageContaining("inside a transaction bound to pool 'primary'")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
		}
	}

	@Test
	void aTransactionBeginningUnderAnotherRouteWhileManualCommitWorkIsOpenFails() throws Exception {
		RoutingDataSource manualCommit = new RoutingDataSource(this.dataSource.router(), false,
				Connection.TRANSACTION_READ_COMMITTED);
		try (Connection connection = PoolRouting.call("admin", manualCommit::getConnection)) {
			PoolRouting.call("admin", connection::createStatement).close();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.setAutoCommit(false))
				.withMessageContaining("began under pool 'admin'")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
		}
	}

	@Test
	void inManualCommitModeATransactionBeginsWhenTheConnectionIsObtained() throws Exception {
		RoutingDataSource manualCommit = new RoutingDataSource(this.dataSource.router(), false,
				Connection.TRANSACTION_READ_COMMITTED);
		try (Connection connection = PoolRouting.call("admin", manualCommit::getConnection)) {
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("admin (explicit)");
		}
		try (Connection connection = manualCommit.getConnection()) {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> PoolRouting.call("admin", connection::createStatement))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
		}
	}

	@Test
	void inManualCommitModeTheNextTransactionBeginsAtItsFirstUseAfterACommit() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().close();
			connection.commit();
			PoolRouting.call("admin", connection::createStatement).close();
			assertThat(route(connection)).isEqualTo("admin (explicit)");
		}
	}

	@Test
	void inManualCommitModeSetAutoCommitFalseBeforeAnyWorkBeginsTheTransactionAgain() throws Exception {
		RoutingDataSource manualCommit = new RoutingDataSource(this.dataSource.router(), false,
				Connection.TRANSACTION_READ_COMMITTED);
		try (Connection connection = manualCommit.getConnection()) {
			PoolRouting.run("admin", () -> setAutoCommit(connection, false));
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("admin (explicit)");
		}
	}

	@Test
	void namingAnotherPoolForAutoCommitWorkEndsABindingKeptByAnOpenStatementClosingIt() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			PreparedStatement kept = connection.prepareStatement("select 1");
			PoolRouting.call("admin", connection::createStatement).close();
			assertThat(route(connection)).isEqualTo("admin (explicit)");
			assertThatExceptionOfType(SQLException.class).isThrownBy(kept::executeQuery);
		}
	}

	@Test
	void workSpringDeclaresReadOnlyWithoutATransactionBindsToAReplica() throws SQLException {
		TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("replica-a (read-only)");
		}
	}

	@Test
	void workSpringDeclaresReadOnlyWithoutATransactionThatFallsBackIsSetReadOnlyOnThePrimary() throws SQLException {
		TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
		this.suspects.markSuspect(pool("replica-a"), "failed in a test", new SQLException("test", "08006"));
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("primary (fallback)");
			assertThat(stub(connection).isReadOnly()).isTrue();
			assertThat(connection.isReadOnly()).isFalse();
		}
	}

	@Test
	void insideATransactionTheConnectionsOwnReadOnlyFlagDecides() throws SQLException {
		TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
		TransactionSynchronizationManager.setActualTransactionActive(true);
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("primary (write)");
		}
	}

	@Test
	void autoCommitWorkAfterSpringsReadOnlyDeclarationEndsIsRoutedAgain() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
			connection.createStatement().close();
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("primary (write)");
		}
	}

	@Test
	void autoCommitWorkThatSpringDeclaresReadOnlyAfterAWriteIsRoutedAgain() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().close();
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
			connection.createStatement().close();
			assertThat(route(connection)).isEqualTo("replica-a (read-only)");
		}
	}

	@Test
	void workOnAPoolWithADefaultIsolationOfItsOwnRunsAtThatIsolation() throws Exception {
		try (NamedPools pools = poolsWithSerializableAdmin()) {
			RoutingDataSource readCommitted = dataSourceOver(pools);
			try (Connection connection = PoolRouting.call("admin", readCommitted::getConnection)) {
				assertThat(PoolRouting.call("admin", connection::getTransactionIsolation))
					.isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
				PoolRouting.call("admin", connection::createStatement).close();
				assertThat(stub(connection).getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
			}
		}
	}

	@Test
	void anIsolationSetForAPoolWithADefaultOfItsOwnIsApplied() throws Exception {
		try (NamedPools pools = poolsWithSerializableAdmin()) {
			RoutingDataSource readCommitted = dataSourceOver(pools);
			try (Connection connection = PoolRouting.call("admin", readCommitted::getConnection)) {
				PoolRouting.run("admin", () -> setIsolation(connection, Connection.TRANSACTION_READ_COMMITTED));
				PoolRouting.call("admin", connection::createStatement).close();
				assertThat(stub(connection).getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
			}
		}
	}

	private static NamedPools poolsWithSerializableAdmin() {
		HikariConfig serializable = StubPools.definition("admin", PoolRole.ADMIN, 1).toHikariConfig();
		serializable.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
		return NamedPools.start(List.of(StubPools.definition("primary", PoolRole.PRIMARY, 1),
				new PoolDefinition("admin", PoolRole.ADMIN, serializable, Duration.ZERO, 0, 1)));
	}

	private static RoutingDataSource dataSourceOver(NamedPools pools) {
		Router router = new Router(pools, new RoundRobinLoadBalancer(), new FallbackPolicy(true, 0),
				new SuspectReplicas(pools.size()), new ReplicaStates(pools, Clock.systemUTC()), FailoverEvents.NONE,
				TestConsistency.none(new ReplicaStates(pools, Clock.systemUTC())), Tenants.withDefaults(pools));
		return new RoutingDataSource(router, true, Connection.TRANSACTION_READ_COMMITTED);
	}

	private static void setIsolation(Connection connection, int level) {
		try {
			connection.setTransactionIsolation(level);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void rollbackAfterThePoolClosedItsConnectionEndsTheBindingAndTheNextTransactionBindsAgain() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			Statement statement = connection.createStatement();
			StubConnection broken = stub(connection);
			broken.failNextCall(new SQLException("ERROR: not implemented", "0A000"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("select 1"));
			connection.rollback();
			assertThat(boundUrl(connection)).isNull();
			connection.createStatement().executeQuery("select 1").close();
			assertThat(stub(connection)).isNotSameAs(broken);
		}
	}

	@Test
	void commitAfterThePoolClosedItsConnectionFailsWith08003AndEndsTheBinding() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			Statement statement = connection.createStatement();
			stub(connection).failNextCall(new SQLException("ERROR: not implemented", "0A000"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("select 1"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::commit)
				.withMessageContaining("replica-a")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08003"));
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void aClosedConnectionRefusesWorkWith08003() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.close();
		assertThat(connection.isClosed()).isTrue();
		assertThat(Stream.<ThrowingConsumer<Connection>>of(Connection::createStatement, Connection::getAutoCommit,
				(closed) -> closed.setAutoCommit(false), (closed) -> closed.setReadOnly(true), Connection::commit,
				(closed) -> closed.setSchema("schema"), Connection::getTransactionIsolation))
			.allSatisfy(
					(work) -> assertThatExceptionOfType(SQLException.class).isThrownBy(() -> work.accept(connection))
						.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08003")));
		assertThatExceptionOfType(SQLClientInfoException.class)
			.isThrownBy(() -> connection.setClientInfo("ApplicationName", "x"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08003"));
	}

	@Test
	void closingTwiceIsHarmless() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.createStatement().close();
		connection.close();
		connection.close();
		assertThat(active("primary")).isZero();
	}

	@Test
	void abortClosesTheConnectionAndEvictsItsPhysicalConnection() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.createStatement().close();
		StubConnection physical = stub(connection);
		connection.abort(Runnable::run);
		assertThat(connection.isClosed()).isTrue();
		assertThat(physical.isClosed()).isTrue();
		assertThat(active("primary")).isZero();
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement);
	}

	@Test
	void commitAndRollbackOfAnUnboundTransactionDoNothing() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.commit();
			connection.rollback();
			assertThat(boundUrl(connection)).isNull();
		}
	}

	@Test
	void commitInAutoCommitModeIsRefusedWith25P01AsPgjdbcDoes() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::commit)
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25P01"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::rollback)
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25P01"));
		}
	}

	@Test
	void statementsReportTheLogicalConnection() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.createStatement().getConnection()).isSameAs(connection);
			assertThat(connection.prepareStatement("select 1").getConnection()).isSameAs(connection);
			assertThat(connection.prepareCall("call p()").getConnection()).isSameAs(connection);
		}
	}

	@Test
	void resultSetsReportTheLogicalStatement() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			ResultSet resultSet = statement.executeQuery();
			assertThat(resultSet.getStatement()).isSameAs(statement);
			assertThat(statement.getResultSet().getStatement()).isSameAs(statement);
			assertThat(resultSet.next()).isTrue();
			assertThat(resultSet.getInt(1)).isEqualTo(1);
		}
	}

	@Test
	void wrappersUnwrapToThemselvesFirstThenToTheDriversObjects() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			assertThat(statement.unwrap(PreparedStatement.class)).isSameAs(statement);
			assertThat(statement.unwrap(StubPreparedStatement.class)).isNotNull();
			ResultSet resultSet = statement.executeQuery();
			assertThat(resultSet.isWrapperFor(ResultSet.class)).isTrue();
			assertThat(resultSet.isWrapperFor(StubResultSet.class)).isTrue();
			assertThat(connection.getMetaData().unwrap(DatabaseMetaData.class))
				.isInstanceOf(RoutedDatabaseMetaData.class);
		}
	}

	@Test
	void metadataReportsTheLogicalConnectionAndItsResultSetsNoStatement() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			assertThat(metaData.getConnection()).isSameAs(connection);
			assertThat(metaData.getDatabaseProductName()).isEqualTo("Stub");
			ResultSet tables = metaData.getTables(null, null, "%", null);
			assertThat(tables.getStatement()).isNull();
			assertThat(tables.next()).isTrue();
		}
	}

	@Test
	void aReadOnlyErrorOfAStatementNamesThePool() throws SQLException {
		assertReadOnlyErrorIsEnriched((connection) -> connection.prepareStatement("insert").executeUpdate());
	}

	@Test
	void aReadOnlyErrorOfAPlainStatementNamesThePool() throws SQLException {
		assertReadOnlyErrorIsEnriched((connection) -> connection.createStatement().executeUpdate("insert"));
	}

	@Test
	void aReadOnlyErrorOfACallableStatementNamesThePool() throws SQLException {
		assertReadOnlyErrorIsEnriched((connection) -> connection.prepareCall("call p()").execute());
	}

	@Test
	void aReadOnlyErrorWhileFetchingRowsNamesThePool() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			ResultSet resultSet = connection.prepareStatement("select 1").executeQuery();
			stub(connection).failNextCall(new SQLException("ERROR: cannot execute nextval()", "25006"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(resultSet::next)
				.withMessageContaining("pool 'replica-a'");
		}
	}

	@Test
	void aConnectionErrorWhileFetchingRowsTakesTheReplicaOutOfRotation() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			ResultSet resultSet = connection.prepareStatement("select 1").executeQuery();
			stub(connection).failNextCall(new SQLException("An I/O error occurred", "08006"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(resultSet::next);
			assertThat(this.suspects.isSuspect(pool("replica-a"))).isTrue();
		}
	}

	private void assertReadOnlyErrorIsEnriched(ThrowingConsumer<Connection> write) throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			connection.createStatement().close();
			stub(connection)
				.failNextCall(new SQLException("ERROR: cannot execute INSERT in a read-only transaction", "25006", 0));
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> write.accept(connection))
				.withMessageContaining("pool 'replica-a', routed there because the transaction is read-only")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25006"));
		}
	}

	private Connection readOnlyTransaction() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		return connection;
	}

	private static String route(Connection connection) {
		return String.valueOf(((RoutingConnection) connection).route());
	}

	private static void setAutoCommit(Connection connection, boolean autoCommit) {
		try {
			connection.setAutoCommit(autoCommit);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private @Nullable String boundUrl(Connection connection) throws SQLException {
		Connection physical = ((RoutingConnection) connection).bound();
		return (physical != null) ? physical.unwrap(StubConnection.class).url() : null;
	}

	private static StubConnection stub(Connection connection) throws SQLException {
		Connection physical = ((RoutingConnection) connection).bound();
		assertThat(physical).as("bound connection").isNotNull();
		return physical.unwrap(StubConnection.class);
	}

	private int active(String pool) {
		return pool(pool).dataSource().getHikariPoolMXBean().getActiveConnections();
	}

	private NamedPool pool(String name) {
		NamedPool pool = this.pools.find(name);
		assertThat(pool).isNotNull();
		return pool;
	}

}
