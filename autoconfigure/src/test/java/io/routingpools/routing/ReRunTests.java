package io.routingpools.routing;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.routingpools.consistency.TestConsistency;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.test.stub.StubConnection;
import io.routingpools.test.stub.StubDriver;
import io.routingpools.test.stub.StubPools;
import io.routingpools.test.stub.StubPreparedStatement;
import io.routingpools.tenant.Tenants;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Re-runs of read-only statements that lost their connection before returning anything
 * ({@link ReRuns}, docs/failover.md), on pools of the stub driver with two replicas.
 */
class ReRunTests {

	private static final String LOST = "08006";

	private final List<String> reRuns = new CopyOnWriteArrayList<>();

	private NamedPools pools;

	private SuspectReplicas suspects;

	private RoutingDataSource dataSource;

	@BeforeEach
	void startPools() {
		this.pools = StubPools.start(2, "replica-a", "replica-b");
		this.suspects = new SuspectReplicas(this.pools.size(), Duration.ofMinutes(1), System::nanoTime);
		FailoverEvents events = new FailoverEvents() {

			@Override
			public void failover(NamedPool pool, FailoverCause cause) {
				if (cause == FailoverCause.RE_RUN) {
					ReRunTests.this.reRuns.add(pool.name());
				}
			}

		};
		Router router = new Router(this.pools, new RoundRobinLoadBalancer(), new FallbackPolicy(true, 0), this.suspects,
				new ReplicaStates(this.pools, Clock.systemUTC()), events,
				TestConsistency.none(new ReplicaStates(this.pools, Clock.systemUTC())),
				Tenants.withDefaults(this.pools));
		this.dataSource = new RoutingDataSource(router, true, Connection.TRANSACTION_READ_COMMITTED);
	}

	@AfterEach
	void closePools() {
		StubDriver.repair(StubPools.url("replica-a"));
		StubDriver.repair(StubPools.url("replica-b"));
		this.pools.close();
	}

	@Test
	void theFirstStatementOfAReadOnlyTransactionIsRerunOnTheOtherReplicaWithItsParametersAndSettings()
			throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select ?, ?");
			String lostUrl = boundUrl(connection);
			stub(connection).failNextCall(lost(LOST));
			statement.setInt(1, 42);
			statement.setString(2, "forty-two");
			statement.setFetchSize(10);
			statement.setQueryTimeout(3);
			ResultSet resultSet = statement.executeQuery();
			assertThat(resultSet.next()).isTrue();
			assertThat(boundUrl(connection)).isNotEqualTo(lostUrl).startsWith(StubPools.url("replica-"));
			StubPreparedStatement rerun = statement.unwrap(StubPreparedStatement.class);
			assertThat(rerun.stubConnection().url()).isEqualTo(boundUrl(connection));
			assertThat(rerun.sql()).isEqualTo("select ?, ?");
			assertThat(rerun.parameter(1)).isEqualTo(42);
			assertThat(rerun.parameter(2)).isEqualTo("forty-two");
			assertThat(rerun.getFetchSize()).isEqualTo(10);
			assertThat(rerun.getQueryTimeout()).isEqualTo(3);
			assertThat(stub(connection).getAutoCommit()).isFalse();
			assertThat(stub(connection).isReadOnly()).isTrue();
			assertThat(this.reRuns).containsExactly(poolName(lostUrl));
		}
	}

	@Test
	void callsAreReplayedInTheOrderTheyWereMade() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select ?");
			stub(connection).failNextCall(lost(LOST));
			statement.setInt(1, 1);
			statement.clearParameters();
			statement.setString(1, "last");
			statement.executeQuery();
			assertThat(statement.unwrap(StubPreparedStatement.class).parameter(1)).isEqualTo("last");
			assertThat(this.reRuns).hasSize(1);
		}
	}

	@Test
	void aPlainStatementIsCreatedAgainAndItsSqlRunAgain() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			Statement statement = connection.createStatement();
			String lostUrl = boundUrl(connection);
			stub(connection).failNextCall(lost(LOST));
			assertThat(statement.execute("select 1")).isTrue();
			assertThat(boundUrl(connection)).isNotEqualTo(lostUrl);
			assertThat(this.reRuns).hasSize(1);
		}
	}

	@Test
	void theLostConnectionIsEvictedAndItsReplicaPassedOver() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			String lostUrl = boundUrl(connection);
			StubConnection lost = stub(connection);
			lost.failNextCall(lost(LOST));
			statement.executeQuery();
			// HikariCP closes an evicted connection on a thread of its own.
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(lost::isClosed);
			assertThat(this.suspects.isSuspect(pool(poolName(lostUrl)))).isTrue();
			assertThat(active(poolName(lostUrl))).isZero();
		}
	}

	@Test
	void theRerunStatementKeepsTheBindingAndItsCloseReleasesIt() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			stub(connection).failNextCall(lost(LOST));
			statement.executeQuery();
			String rerunUrl = boundUrl(connection);
			connection.commit();
			assertThat(boundUrl(connection)).as("kept by the open statement").isEqualTo(rerunUrl);
			statement.close();
			connection.commit();
			assertThat(active("replica-a") + active("replica-b") + active("primary")).isZero();
		}
	}

	@Test
	void aReadOnlyStatementInAutoCommitModeIsRerun() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setReadOnly(true);
			PreparedStatement statement = connection.prepareStatement("select 1");
			String lostUrl = boundUrl(connection);
			stub(connection).failNextCall(lost(LOST));
			statement.executeQuery();
			assertThat(boundUrl(connection)).isNotEqualTo(lostUrl);
			assertThat(this.reRuns).hasSize(1);
		}
	}

	@Test
	void aReadThatFellBackToThePrimaryIsRerunOnAnotherPrimaryConnection() throws SQLException {
		SQLException down = lost(LOST);
		this.suspects.markSuspect(pool("replica-a"), "failed in a test", down);
		this.suspects.markSuspect(pool("replica-b"), "failed in a test", down);
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			StubConnection lost = stub(connection);
			assertThat(route(connection)).isEqualTo("primary (fallback)");
			lost.failNextCall(lost(LOST));
			statement.executeQuery();
			assertThat(route(connection)).isEqualTo("primary (fallback)");
			assertThat(stub(connection)).isNotSameAs(lost);
			assertThat(this.reRuns).containsExactly("primary");
		}
	}

	@Test
	void anAdminShutdownIsRerun() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			stub(connection).failNextCall(lost("57P01"));
			assertThat(statement.executeQuery().next()).isTrue();
			assertThat(this.reRuns).hasSize(1);
		}
	}

	@Test
	void aStatementTimeoutIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			PreparedStatement statement = connection.prepareStatement("select 1");
			stub(connection)
				.failNextCall(new SQLException("ERROR: canceling statement due to statement timeout", "57014"));
			statement.executeQuery();
		}, "57014");
	}

	@Test
	void theSecondStatementOfAReadOnlyTransactionIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			try (PreparedStatement first = connection.prepareStatement("select 1")) {
				first.executeQuery().close();
			}
			PreparedStatement second = connection.prepareStatement("select 2");
			stub(connection).failNextCall(lost(LOST));
			second.executeQuery();
		}, LOST);
	}

	@Test
	void aStatementCreatedBeforeAnotherStatementExecutedIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			PreparedStatement early = connection.prepareStatement("select 1");
			try (PreparedStatement other = connection.prepareStatement("select 2")) {
				other.executeQuery().close();
			}
			stub(connection).failNextCall(lost(LOST));
			early.executeQuery();
		}, LOST);
	}

	@Test
	void aStatementIsNotRerunWhileAnotherStatementIsOpen() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			PreparedStatement statement = connection.prepareStatement("select 1");
			connection.prepareStatement("select 2");
			stub(connection).failNextCall(lost(LOST));
			statement.executeQuery();
		}, LOST);
	}

	@Test
	void aFailureWhileFetchingRowsIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			ResultSet resultSet = connection.prepareStatement("select 1").executeQuery();
			stub(connection).failNextCall(lost(LOST));
			resultSet.next();
		}, LOST);
	}

	@Test
	void workNotMarkedReadOnlyIsNotRerun() throws SQLException {
		assertNotRerun(this.dataSource::getConnection, (connection) -> {
			PreparedStatement statement = connection.prepareStatement("select 1");
			stub(connection).failNextCall(lost(LOST));
			statement.executeQuery();
		}, LOST);
	}

	@Test
	void anUpdateInAReadOnlyTransactionIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			PreparedStatement statement = connection.prepareStatement("update t set x = 1");
			stub(connection).failNextCall(lost(LOST));
			statement.executeUpdate();
		}, LOST);
	}

	@Test
	void readOnlyWorkOnAnExplicitlyNamedPoolIsNotRerun() throws Exception {
		PoolRouting.call("replica-a", () -> {
			assertNotRerun(this::readOnlyTransaction, (connection) -> {
				PreparedStatement statement = connection.prepareStatement("select 1");
				assertThat(route(connection)).isEqualTo("replica-a (explicit)");
				stub(connection).failNextCall(lost(LOST));
				statement.executeQuery();
			}, LOST);
			return null;
		});
	}

	@Test
	void aCallableStatementIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			Statement statement = connection.prepareCall("select f()");
			stub(connection).failNextCall(lost(LOST));
			((PreparedStatement) statement).execute();
		}, LOST);
	}

	@Test
	void aStatementGivenAStreamIsNotRerun() throws SQLException {
		assertNotRerun(this::readOnlyTransaction, (connection) -> {
			PreparedStatement statement = connection.prepareStatement("select ?");
			statement.setBinaryStream(1, new ByteArrayInputStream(new byte[] { 1 }));
			stub(connection).failNextCall(lost(LOST));
			statement.executeQuery();
		}, LOST);
	}

	@Test
	void aRerunHappensOnceAndItsFailureCarriesTheFirstOne() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select 1");
			String lostUrl = boundUrl(connection);
			String otherUrl = StubPools.url(poolName(lostUrl).equals("replica-a") ? "replica-b" : "replica-a");
			SQLException first = lost(LOST);
			stub(connection).failNextCall(first);
			StubDriver.breakConnections(otherUrl);
			assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeQuery)
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo(LOST))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains(otherUrl))
				.satisfies((ex) -> assertThat(ex.getSuppressed()).containsExactly(first));
			assertThat(this.reRuns).containsExactly(poolName(lostUrl));
		}
	}

	@Test
	void aReadOnlyTransactionWhoseCommitLosesItsConnectionEndsNormally() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			try (PreparedStatement statement = connection.prepareStatement("select 1")) {
				statement.executeQuery().close();
			}
			StubConnection lost = stub(connection);
			String lostPool = poolName(boundUrl(connection));
			lost.failNextCall(lost(LOST));
			connection.commit();
			assertThat(boundUrl(connection)).isNull();
			// HikariCP closes an evicted connection on a thread of its own.
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(lost::isClosed);
			assertThat(this.suspects.isSuspect(pool(lostPool))).isTrue();
			assertThat(this.reRuns).isEmpty();
		}
	}

	@Test
	void aWriteTransactionWhoseCommitLosesItsConnectionFails() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement statement = connection.prepareStatement("update t set x = 1")) {
				statement.executeUpdate();
			}
			stub(connection).failNextCall(lost(LOST));
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::commit)
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo(LOST));
		}
	}

	@Test
	void aStatementThatCannotBeRerunRecordsNothing() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			PreparedStatement statement = connection.prepareStatement("select ?");
			statement.setInt(1, 1);
			assertThat(((RoutedStatement) statement).recording).isNull();
		}
	}

	@Test
	void aRerunnableStatementDropsItsRecordingAtItsFirstExecution() throws SQLException {
		try (Connection connection = readOnlyTransaction()) {
			PreparedStatement statement = connection.prepareStatement("select ?");
			statement.setInt(1, 1);
			assertThat(((RoutedStatement) statement).recording).isNotNull();
			statement.executeQuery();
			assertThat(((RoutedStatement) statement).recording).isNull();
		}
	}

	private void assertNotRerun(ConnectionSource source, Work work, String sqlState) throws SQLException {
		try (Connection connection = source.get()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> work.run(connection))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo(sqlState))
				.satisfies((ex) -> assertThat(ex.getSuppressed()).isEmpty());
			assertThat(this.reRuns).isEmpty();
		}
	}

	private Connection readOnlyTransaction() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		return connection;
	}

	private static SQLException lost(String sqlState) {
		return new SQLException("An I/O error occurred while sending to the backend", sqlState);
	}

	private static String route(Connection connection) {
		return String.valueOf(((RoutingConnection) connection).route());
	}

	private static @Nullable String boundUrl(Connection connection) throws SQLException {
		Connection physical = ((RoutingConnection) connection).bound();
		return (physical != null) ? physical.unwrap(StubConnection.class).url() : null;
	}

	private static String poolName(@Nullable String url) {
		assertThat(url).isNotNull();
		return url.substring(StubDriver.URL_PREFIX.length());
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

	@FunctionalInterface
	private interface ConnectionSource {

		Connection get() throws SQLException;

	}

	@FunctionalInterface
	private interface Work {

		void run(Connection connection) throws SQLException;

	}

}
