package io.routingpools.embedded;

import static io.routingpools.embedded.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault proxy of replica-1 of the shared cluster; each test leaves it in pass mode.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class FaultProxyTest {

	/** Far beyond what a loaded machine needs for what should be prompt. */
	private static final Duration PROMPTLY = Duration.ofSeconds(20);

	private final EmbeddedPostgresCluster cluster;

	private final PostgresNode node;

	FaultProxyTest(EmbeddedPostgresCluster cluster) {
		this.cluster = cluster;
		this.node = cluster.node("replica-1");
	}

	@AfterEach
	void passAgain() {
		node.proxy().pass();
	}

	@Test
	void passModeForwardsQueriesToTheNode() throws SQLException {
		FaultProxy proxy = node.proxy();

		assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
		assertThat(proxy.port()).isNotIn(node.port(), 0);
		assertThat(proxy.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/app");
		try (Connection connection = connect(proxy, 10)) {
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
			assertThat(query(connection, "SELECT count(*) FROM generate_series(1, 100000)")).isEqualTo("100000");
		}
	}

	@Test
	void eachNodeHasOneProxyOfItsOwn() {
		FaultProxy proxy = node.proxy();

		assertThat(node.proxy()).isSameAs(proxy);
		assertThat(cluster.primary().proxy().port()).isNotEqualTo(proxy.port());
		assertThat(cluster.node("replica-2").proxy().port()).isNotIn(proxy.port(), cluster.primary().proxy().port());
	}

	@Test
	void delayModeMakesARoundTripTakeAtLeastTwiceTheDelay() throws SQLException {
		Duration delay = Duration.ofMillis(300);
		try (Connection connection = connect(node.proxy(), 30)) {
			node.proxy().delay(delay);
			assertThat(node.proxy().mode()).isEqualTo(FaultProxy.Mode.DELAY);

			long started = System.nanoTime();
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");

			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(delay.multipliedBy(2));
		}
	}

	@Test
	void delayModeDelaysEveryChunkWithoutHoldingUpTheNextOnes() throws SQLException {
		try (Connection connection = connect(node.proxy(), 120)) {
			node.proxy().delay(Duration.ofMillis(200));

			long started = System.nanoTime();
			// About 10 MB, hundreds of chunks: one delay after the other would take
			// minutes.
			assertThat(query(connection, "SELECT string_agg(repeat('x', 100), '') FROM generate_series(1, 100000)"))
				.hasSize(10_000_000);

			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
		}
	}

	@Test
	void passAfterDelayForwardsTheHeldBackBytesAtOnce() throws Exception {
		try (Connection connection = connect(node.proxy(), 120)) {
			node.proxy().delay(Duration.ofSeconds(60));
			CompletableFuture<String> answer = CompletableFuture
				.supplyAsync(() -> uncheckedQuery(connection, "SELECT current_setting('cluster_name')"));
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> !answer.isDone());

			node.proxy().pass();

			assertThat(answer).succeedsWithin(PROMPTLY).isEqualTo("replica-1");
		}
	}

	@Test
	void blackHoleLetsAQueryOnAnOpenConnectionTimeOut() throws SQLException {
		try (Connection connection = connect(node.proxy(), 1)) {
			node.proxy().blackHole();

			assertThat(node.proxy().mode()).isEqualTo(FaultProxy.Mode.BLACK_HOLE);
			assertSqlState(() -> query(connection, "SELECT 1"), "08006")
				.hasRootCauseInstanceOf(SocketTimeoutException.class);
			assertThat(query(node, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
		}
	}

	@Test
	void blackHoleLetsANewConnectionTimeOut() throws SQLException {
		node.proxy().blackHole();

		Properties properties = properties(0);
		properties.setProperty("loginTimeout", "2");
		assertSqlState(() -> DriverManager.getConnection(node.proxy().jdbcUrl(), properties).close(), "08001")
			.hasMessageContaining("timed out");
		assertThat(query(node, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
	}

	@Test
	void passAfterBlackHoleLetsNewConnectionsThrough() throws SQLException {
		node.proxy().blackHole();
		node.proxy().pass();

		assertThat(node.proxy().mode()).isEqualTo(FaultProxy.Mode.PASS);
		try (Connection connection = connect(node.proxy(), 10)) {
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
		}
	}

	@Test
	void passAfterBlackHoleResetsConnectionsThatLostBytes() throws SQLException {
		try (Connection connection = connect(node.proxy(), 120)) {
			node.proxy().blackHole();
			CompletableFuture<String> answer = CompletableFuture
				.supplyAsync(() -> uncheckedQuery(connection, "SELECT 1"));
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> !answer.isDone());

			node.proxy().pass();

			assertThat(answer).failsWithin(PROMPTLY)
				.withThrowableThat()
				.havingRootCause()
				.isInstanceOf(SocketException.class)
				.isNotInstanceOf(SocketTimeoutException.class);
		}
	}

	@Test
	void connectionsThatLostNothingWhileBlackHoledCarryOn() throws SQLException {
		try (Connection connection = connect(node.proxy(), 10)) {
			node.proxy().blackHole();
			node.proxy().pass();

			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
		}
	}

	@Test
	void resetFailsTheNextQueryOfAnOpenConnectionAtOnce() throws SQLException {
		try (Connection connection = connect(node.proxy(), 60)) {
			node.proxy().reset();

			assertThat(node.proxy().mode()).isEqualTo(FaultProxy.Mode.RESET);
			long started = System.nanoTime();
			assertSqlState(() -> query(connection, "SELECT 1"), "08006").hasRootCauseInstanceOf(SocketException.class)
				.rootCause()
				.isNotInstanceOf(SocketTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
		}
	}

	@Test
	void resetMakesNewConnectionsFail() throws SQLException {
		node.proxy().reset();

		long started = System.nanoTime();
		assertSqlState(() -> connect(node.proxy(), 60).close(), "08001");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
		assertThat(query(node, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
	}

	@Test
	void proxyFollowsItsNodeAcrossARestart() throws SQLException {
		FaultProxy proxy = node.proxy();

		node.restart();

		assertThat(node.proxy()).isSameAs(proxy);
		try (Connection connection = connect(proxy, 10)) {
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
		}
	}

	@Test
	void proxyResetsConnectionsWhileItsNodeIsDown() throws SQLException {
		FaultProxy proxy = node.proxy();
		node.kill();
		try {
			assertSqlState(() -> connect(proxy, 60).close(), "08001").hasRootCauseInstanceOf(SocketException.class);
		}
		finally {
			node.start();
		}
		try (Connection connection = connect(proxy, 10)) {
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
		}
	}

	@Test
	void closeStopsAcceptingAndClosesEveryConnection() throws SQLException {
		FaultProxy proxy = FaultProxy.start(node);
		try (Connection connection = connect(proxy, 60)) {
			assertThat(query(connection, "SELECT 1")).isEqualTo("1");

			proxy.close();

			assertSqlState(() -> query(connection, "SELECT 1"), "08006");
			assertThatThrownBy(() -> connect(proxy, 10)).isInstanceOf(SQLException.class)
				.hasRootCauseInstanceOf(ConnectException.class);
		}
		finally {
			proxy.close();
		}
	}

	@Test
	void closeEndsEveryThreadOfTheProxy() throws IOException {
		FaultProxy proxy = FaultProxy.start(node);
		try (Socket passing = new Socket(node.host(), proxy.port())) {
			// the acceptor and the 4 pumps of a connection to the node
			await().atMost(PROMPTLY).until(() -> threadsOf(proxy).size() == 5);
			proxy.blackHole();
			try (Socket blackHoled = new Socket(node.host(), proxy.port())) {
				blackHoled.getOutputStream().write("dropped".getBytes(StandardCharsets.US_ASCII));
				// and the one that reads and drops
				await().atMost(PROMPTLY).until(() -> threadsOf(proxy).size() == 6);

				proxy.close();

				await().atMost(PROMPTLY).until(() -> threadsOf(proxy).isEmpty());
				assertThatThrownBy(() -> passing.getInputStream().read()).isInstanceOf(SocketException.class)
					.hasMessageContaining("reset");
			}
		}
		finally {
			proxy.close();
		}
	}

	@Test
	void nodeStartsANewProxyOnceItsProxyWasClosed() throws SQLException {
		FaultProxy closed = node.proxy();
		closed.close();

		FaultProxy proxy = node.proxy();

		assertThat(proxy).isNotSameAs(closed);
		try (Connection connection = connect(proxy, 10)) {
			assertThat(query(connection, "SELECT current_setting('cluster_name')")).isEqualTo("replica-1");
		}
	}

	private Connection connect(FaultProxy proxy, int socketTimeoutSeconds) throws SQLException {
		return DriverManager.getConnection(proxy.jdbcUrl(), properties(socketTimeoutSeconds));
	}

	/** User and password of the cluster, and a socket timeout (0: none). */
	private Properties properties(int socketTimeoutSeconds) {
		Properties properties = new Properties();
		properties.setProperty("user", cluster.username());
		properties.setProperty("password", cluster.password());
		properties.setProperty("connectTimeout", "10");
		properties.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
		properties.setProperty("sslmode", "disable");
		return properties;
	}

	private static List<Thread> threadsOf(FaultProxy proxy) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(thread -> thread.getName().startsWith(proxy.threadNamePrefix()))
			.filter(Thread::isAlive)
			.collect(Collectors.toList());
	}

	private static String uncheckedQuery(Connection connection, String sql) {
		try {
			return query(connection, sql);
		}
		catch (SQLException e) {
			throw new IllegalStateException(e);
		}
	}

	private static AbstractThrowableAssert<?, ? extends Throwable> assertSqlState(ThrowingCallable call,
			String sqlState) {
		return assertThatThrownBy(call).isInstanceOfSatisfying(SQLException.class,
				e -> assertThat(e.getSQLState()).as(e.toString()).isEqualTo(sqlState));
	}

}
