package io.routingpools.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.routingpools.consistency.ConsistencyMode;
import io.routingpools.consistency.ConsistencySettings;
import io.routingpools.consistency.ReadYourWrites;
import io.routingpools.test.stub.StubDriver;
import io.routingpools.test.stub.StubPools;
import io.routingpools.test.stub.StubPreparedStatement;
import io.routingpools.pool.NamedPools;
import io.routingpools.pool.PoolDefinition;
import io.routingpools.pool.PoolRole;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.LeastActiveLoadBalancer;
import io.routingpools.replica.LoadBalancer;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.replica.WeightedRandomLoadBalancer;
import io.routingpools.routing.FallbackPolicy;
import io.routingpools.routing.Router;
import io.routingpools.routing.RoutingDataSource;
import io.routingpools.tenant.Tenants;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The connection hot path of DESIGN section 4, through the routing DataSource and
 * directly on the same HikariCP pool. One operation is a whole logical connection: get
 * it, prepare a statement, run the query, read the row, close everything. The pools run
 * on {@link StubDriver}, which does no I/O and allocates nothing after warm-up, so what
 * is left is HikariCP plus the routing layer.
 * <ul>
 * <li>{@code plainHikari} / {@code routedWrite}: an auto-commit query, on the primary
 * pool directly / through the routing DataSource (routed to the primary).</li>
 * <li>{@code plainHikariReadOnlyTx} / {@code routedReadOnly}: the calls Spring's
 * {@code DataSourceTransactionManager} makes for {@code @Transactional(readOnly = true)}
 * around the same query, on the replica pool directly / through the routing DataSource
 * (routed to the replica).</li>
 * </ul>
 * The replica is chosen by the round-robin balancer unless
 * {@code -p balancer=least-active} (the starter's default) or
 * {@code -p balancer=weighted-random} says otherwise. With one replica (the default) the
 * router skips the balancer; {@code -p replicas=2} gives the routed read-only path two
 * replica pools to choose from, so that the balancer's cost shows (the plain baseline
 * still uses one pool). Both parameters only matter to {@code routedReadOnly}.
 * <p>
 * Keep at least one fork: each benchmark must run in its own JVM, or the shared helpers
 * see both connection types and the JIT profiles of one benchmark distort the next.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Threads(2)
public class ConnectionHotPathBenchmark {

	static final String SQL = "select 1";

	static final String PRIMARY_URL = StubDriver.URL_PREFIX + "primary";

	static final String REPLICA_URL_PREFIX = StubDriver.URL_PREFIX + "replica-";

	static final int POOL_SIZE = 8;

	@Param("round-robin")
	public String balancer;

	@Param("1")
	public int replicas;

	private NamedPools pools;

	private DataSource primary;

	private DataSource replica;

	private DataSource routing;

	@Setup(Level.Trial)
	public void startPools() throws SQLException {
		List<PoolDefinition> definitions = new ArrayList<>();
		definitions.add(StubPools.definition("primary", PoolRole.PRIMARY, POOL_SIZE));
		for (int i = 1; i <= this.replicas; i++) {
			definitions.add(StubPools.definition("replica-" + i, PoolRole.REPLICA, POOL_SIZE));
		}
		definitions.add(StubPools.definition("admin", PoolRole.ADMIN, 2));
		this.pools = NamedPools.start(definitions);
		this.primary = this.pools.primary().dataSource();
		this.replica = this.pools.replicas().get(0).dataSource();
		ReplicaStates states = new ReplicaStates(this.pools, Clock.systemUTC());
		Router router = new Router(this.pools, loadBalancer(this.balancer), new FallbackPolicy(true, 0),
				new SuspectReplicas(this.pools.size()), states, FailoverEvents.NONE,
				new ReadYourWrites(new ConsistencySettings(ConsistencyMode.LSN, Duration.ofMillis(20),
						Duration.ofSeconds(2), Duration.ofSeconds(30)), states, null),
				Tenants.withDefaults(this.pools));
		this.routing = new RoutingDataSource(router, true, Connection.TRANSACTION_READ_COMMITTED);
		checkRoute(this.primary, false, PRIMARY_URL);
		checkRoute(this.routing, false, PRIMARY_URL);
		checkRoute(this.replica, true, REPLICA_URL_PREFIX);
		checkRoute(this.routing, true, REPLICA_URL_PREFIX);
	}

	@TearDown(Level.Trial)
	public void closePools() {
		this.pools.close();
	}

	@Benchmark
	public int plainHikari() throws SQLException {
		return query(this.primary);
	}

	@Benchmark
	public int routedWrite() throws SQLException {
		return query(this.routing);
	}

	@Benchmark
	public int plainHikariReadOnlyTx() throws SQLException {
		return readOnlyTransaction(this.replica);
	}

	@Benchmark
	public int routedReadOnly() throws SQLException {
		return readOnlyTransaction(this.routing);
	}

	private static int query(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(SQL);
				ResultSet resultSet = statement.executeQuery()) {
			return resultSet.next() ? resultSet.getInt(1) : -1;
		}
	}

	// What DataSourceTransactionManager does: doBegin, the query, commit,
	// doCleanupAfterCompletion.
	private static int readOnlyTransaction(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(true);
			boolean restoreAutoCommit = connection.getAutoCommit();
			if (restoreAutoCommit) {
				connection.setAutoCommit(false);
			}
			int value;
			try (PreparedStatement statement = connection.prepareStatement(SQL);
					ResultSet resultSet = statement.executeQuery()) {
				value = resultSet.next() ? resultSet.getInt(1) : -1;
			}
			connection.commit();
			if (restoreAutoCommit) {
				connection.setAutoCommit(true);
			}
			connection.setReadOnly(false);
			return value;
		}
	}

	private static LoadBalancer loadBalancer(String name) {
		return switch (name) {
			case "round-robin" -> new RoundRobinLoadBalancer();
			case "least-active" -> new LeastActiveLoadBalancer();
			case "weighted-random" -> new WeightedRandomLoadBalancer();
			default -> throw new IllegalArgumentException(
					"Unknown balancer '" + name + "': round-robin, least-active or weighted-random");
		};
	}

	// Fails the trial at once if a path does not reach the pool it is meant to measure.
	private static void checkRoute(DataSource dataSource, boolean readOnly, String expectedUrlPrefix)
			throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(readOnly);
			connection.setAutoCommit(!readOnly);
			try (PreparedStatement statement = connection.prepareStatement(SQL)) {
				String url = statement.unwrap(StubPreparedStatement.class).stubConnection().url();
				if (!url.startsWith(expectedUrlPrefix)) {
					throw new IllegalStateException((readOnly ? "Read-only" : "Write") + " work through " + dataSource
							+ " reached " + url + " instead of " + expectedUrlPrefix + "...");
				}
			}
			if (readOnly) {
				connection.commit();
			}
		}
	}

}
