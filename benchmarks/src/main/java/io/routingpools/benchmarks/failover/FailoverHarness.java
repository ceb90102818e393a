package io.routingpools.benchmarks.failover;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import io.routingpools.RoutingPools;
import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.FaultProxy;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Measures how the starter rides out replica faults on a real embedded cluster (issue 7's
 * goals), with the monitor's defaults ({@code check-interval} 500 ms,
 * {@code probe-timeout} 250 ms) unless said otherwise, and prints a Markdown table for
 * {@code docs/benchmarks.md}. Run it with
 * {@code java -cp benchmarks/target/benchmarks.jar io.routingpools.benchmarks.failover.FailoverHarness [trials]}.
 * <p>
 * replica-1 is reached through a {@link FaultProxy} so that it can be black-holed;
 * replica-2 directly. Every trial starts with both replicas {@code UP} and caught up.
 */
public final class FailoverHarness {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Duration LAG_LIMIT = Duration.ofSeconds(2);

	private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

	private final EmbeddedPostgresCluster cluster;

	private final ConfigurableApplicationContext context;

	private final DataSource routing;

	private final ReplicaStates states;

	private final RoutingPools operator;

	private final NamedPool replica1;

	private final PostgresNode node1;

	private final FaultProxy proxy1;

	private final List<String> rows = new ArrayList<>();

	private FailoverHarness(EmbeddedPostgresCluster cluster) {
		this.cluster = cluster;
		this.node1 = cluster.replicas().get(0);
		this.proxy1 = this.node1.proxy();
		PostgresNode node2 = cluster.replicas().get(1);
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("routing-pools.primary.url=" + cluster.primary().jdbcUrl(),
					"routing-pools.replicas.replica-1.url=" + this.proxy1.jdbcUrl(),
					"routing-pools.replicas.replica-2.url=" + node2.jdbcUrl(),
					"routing-pools.defaults.username=" + cluster.username(),
					"routing-pools.defaults.password=" + cluster.password(),
					"routing-pools.defaults.maximum-pool-size=10",
					"routing-pools.health.max-replication-lag=" + LAG_LIMIT.toMillis() + "ms",
					"routing-pools.health.check-interval=" + CHECK_INTERVAL.toMillis() + "ms")
			.run();
		this.routing = this.context.getBean(DataSource.class);
		this.states = this.context.getBean(ReplicaStates.class);
		this.operator = this.context.getBean(RoutingPools.class);
		this.replica1 = Objects.requireNonNull(this.context.getBean(NamedPools.class).find("replica-1"));
		execute(cluster.primary(), "create table if not exists harness_writes (id serial primary key, payload text)");
	}

	/**
	 * Run every fault the given number of times and print the table.
	 * @param args the number of trials of each fault (default 20)
	 */
	public static void main(String[] args) throws Exception {
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		try (EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder().replicas(2).start()) {
			FailoverHarness harness = new FailoverHarness(cluster);
			try {
				harness.run(trials);
			}
			finally {
				harness.context.close();
			}
		}
	}

	private void run(int trials) throws Exception {
		Samples stopped = new Samples();
		Samples blackHoled = new Samples();
		Samples inFlight = new Samples();
		Samples failedReads = new Samples();
		Samples toLagging = new Samples();
		Samples backFromLagging = new Samples();
		for (int trial = 0; trial < trials; trial++) {
			stopped.add(outOfRotation(this.node1::suspend, this.node1::resume));
			blackHoled.add(outOfRotation(this.proxy1::blackHole, this.proxy1::pass));
			inFlight.add(inFlightReadEnds());
			failedReads.add(failedReadsPerKill());
			long[] lag = lagging();
			toLagging.add(lag[0]);
			backFromLagging.add(lag[1]);
			System.err.printf(Locale.ROOT, "trial %d of %d done%n", trial + 1, trials);
		}
		Samples healthy = acquisitions(() -> {
		}, () -> {
		});
		Samples withBlackHole = acquisitions(this.proxy1::blackHole, this.proxy1::pass);
		row("New reads stop going to a SIGSTOPped replica (ms)", stopped, "≤ 1000",
				"AWS JDBC wrapper host monitoring 16–41 s; pgjdbc host recheck 10 s; PgDog 30 s checks; GitLab 60–120 s");
		row("New reads stop going to a black-holed replica (ms)", blackHoled, "≤ 1000", "as above");
		row("A read in flight on a SIGSTOPped replica ends (ms)", inFlight, "≤ 2000 p99",
				"socket timeout (35 s by default for replica pools; pgjdbc's default: none)");
		row("Failed reads per kill -9, 8 reader threads", failedReads, "0",
				"plain HikariCP: one per pooled connection the kill broke");
		row("Replay paused under writes → LAGGING, past the 2 s limit (ms)", toLagging, "≤ one check (500)", "");
		row("Replay resumed → serving again (ms)", backFromLagging, "≤ two checks (1000) after catching up", "");
		row("Read-only acquisition and first statement, all healthy (µs)", healthy, "", "");
		row("… while replica-1 is black-holed (µs)", withBlackHole, "no worse than healthy, plus noise", "");
		System.out.println("| measure | trials | p50 | p99 | max | goal | anchors |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
		this.rows.forEach(System.out::println);
	}

	private void row(String measure, Samples samples, String goal, String anchors) {
		this.rows.add(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %s |", measure, samples.size(),
				samples.percentile(50), samples.percentile(99), samples.max(), goal, anchors));
	}

	/** Milliseconds from the fault until replica-1 no longer serves reads. */
	private long outOfRotation(Runnable fault, Runnable repair) {
		awaitAllUp();
		long start = System.nanoTime();
		fault.run();
		try {
			await(() -> !this.states.servesReads(this.replica1));
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		}
		finally {
			repair.run();
		}
	}

	/**
	 * Milliseconds from SIGSTOP until a read in flight on replica-1 returns. The read is
	 * the second statement of its transaction, so it is not re-run elsewhere.
	 */
	private long inFlightReadEnds() throws Exception {
		awaitAllUp();
		this.operator.drain("replica-2");
		try {
			CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
				try (Connection connection = this.routing.getConnection()) {
					connection.setReadOnly(true);
					connection.setAutoCommit(false);
					query(connection, "select 1");
					query(connection, "select pg_sleep(30)");
				}
				catch (SQLException ex) {
					// Expected: the monitor aborted the connection.
				}
			});
			await(() -> this.replica1.dataSource().getHikariPoolMXBean().getActiveConnections() > 0);
			LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
			long start = System.nanoTime();
			this.node1.suspend();
			try {
				read.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
				return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			}
			finally {
				this.node1.resume();
			}
		}
		finally {
			this.operator.undrain("replica-2");
		}
	}

	/** Read-only transactions that failed while replica-1 was killed and came back. */
	private long failedReadsPerKill() throws Exception {
		awaitAllUp();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger failed = new AtomicInteger();
		List<Thread> readers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			Thread reader = new Thread(() -> {
				while (running.get()) {
					try {
						readOnlyTransaction();
					}
					catch (SQLException ex) {
						failed.incrementAndGet();
					}
				}
			});
			reader.start();
			readers.add(reader);
		}
		LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
		this.node1.kill();
		await(() -> this.states.status(this.replica1).state() == ReplicaState.DOWN);
		LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
		this.node1.start();
		awaitAllUp();
		running.set(false);
		for (Thread reader : readers) {
			reader.join();
		}
		return failed.get();
	}

	/**
	 * Milliseconds from pausing replay (under writes) to LAGGING past the lag limit, and
	 * from resuming to UP.
	 */
	private long[] lagging() throws Exception {
		awaitAllUp();
		AtomicBoolean running = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			try (Connection connection = this.cluster.primary().connect();
					Statement statement = connection.createStatement()) {
				while (running.get()) {
					statement.executeUpdate("insert into harness_writes (payload) values ('w')");
					LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		writer.start();
		try {
			long start = System.nanoTime();
			this.node1.pauseReplay();
			await(() -> this.states.status(this.replica1).state() == ReplicaState.LAGGING);
			long toLagging = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) - LAG_LIMIT.toMillis();
			long resumed = System.nanoTime();
			this.node1.resumeReplay();
			await(() -> this.states.status(this.replica1).state() == ReplicaState.UP);
			return new long[] { toLagging, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed) };
		}
		finally {
			running.set(false);
			writer.join();
		}
	}

	/**
	 * Microseconds per read-only transaction (acquisition, first statement, commit) of 4
	 * threads for 10 s, from the moment the fault is made.
	 */
	private Samples acquisitions(Runnable fault, Runnable repair) throws Exception {
		awaitAllUp();
		Samples samples = new Samples();
		long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		fault.run();
		try {
			List<Thread> readers = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				Thread reader = new Thread(() -> {
					while (System.nanoTime() < end) {
						long start = System.nanoTime();
						try {
							readOnlyTransaction();
						}
						catch (SQLException ex) {
							// Counted by its time, as the caller would feel it.
						}
						long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
						synchronized (samples) {
							samples.add(micros);
						}
					}
				});
				reader.start();
				readers.add(reader);
			}
			for (Thread reader : readers) {
				reader.join();
			}
		}
		finally {
			repair.run();
		}
		return samples;
	}

	private void readOnlyTransaction() throws SQLException {
		try (Connection connection = this.routing.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			query(connection, "select count(*) from pg_class");
			connection.commit();
		}
	}

	private void awaitAllUp() {
		await(() -> this.states.all()
			.stream()
			.allMatch((status) -> status.checkedAt() != null && status.state() == ReplicaState.UP));
	}

	private static void await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Condition not met within " + PATIENCE);
			}
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
	}

	private static void query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			while (rows.next()) {
				// drain
			}
		}
	}

	private static void execute(PostgresNode node, String sql) {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The routing starter alone, without a web server. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(RoutingPoolsAutoConfiguration.class)
	static class Application {

	}

}
