package io.routingpools.benchmarks.consistency;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import io.routingpools.benchmarks.consistency.RoutedApp.Read;
import io.routingpools.benchmarks.failover.Samples;
import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.consistency.ConsistencyToken;
import io.routingpools.consistency.ConsistencyTokenFilter;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.FaultProxy;
import io.routingpools.embedded.PostgresNode;
import org.jspecify.annotations.Nullable;

/**
 * Measures read-after-write consistency (DESIGN section 5, issue 8) on a real embedded
 * cluster (a primary and two replicas) and prints Markdown tables for
 * {@code docs/benchmarks.md}. Run it with
 * {@code java -cp benchmarks/target/benchmarks.jar io.routingpools.benchmarks.consistency.ConsistencyHarness [pairs]}
 * (default 100000 write→read pairs).
 * <ol type="a">
 * <li>Write→read pairs, one scope per thread, while replay is paused and resumed at
 * random on every replica, with lag limits so high that replicas stay in rotation (the
 * tokens, not the monitor, are measured), then with the default limits: stale reads,
 * share on replicas, read latency, routes.</li>
 * <li>A mixed workload of simulated clients (each its own scope, its token carried
 * between its operations) on a healthy cluster: 10 % writes, 90 % read-only transactions,
 * in modes {@code lsn}, {@code window} (2 s and 30 s) and {@code none}.</li>
 * <li>POST → 303 See Other → GET over HTTP, through a Spring MVC application on embedded
 * Tomcat with the starter's {@link ConsistencyTokenFilter}, whose {@code rp-consistency}
 * cookie the clients keep as browsers do: GETs that miss their row, share on replicas,
 * latency; on a healthy cluster, then with replay paused on both replicas.</li>
 * <li>What recording the token costs a write transaction: mode {@code none} against
 * {@code lsn} in paired alternating rounds; the same commits on plain pgjdbc connections;
 * and the round trips of one write transaction through a delaying proxy.</li>
 * </ol>
 * Sizes other than the number of pairs can be changed with system properties
 * ({@code -Dharness.pair.threads=8}, {@code harness.threads=4} (write load),
 * {@code harness.mixed.seconds=20}, {@code harness.mixed.clients=64},
 * {@code harness.rounds=6}, {@code harness.round.seconds=5}).
 */
public final class ConsistencyHarness {

	// Threads of the write→read pairs (a) and the POST→GET pairs (c): each read after a
	// write may wait for replay, so more threads than cores keep the cluster busy.
	private static final int PAIR_THREADS = Integer.getInteger("harness.pair.threads", 8);

	// Threads of the write load (d).
	private static final int THREADS = Integer.getInteger("harness.threads", 4);

	private static final int MIXED_SECONDS = Integer.getInteger("harness.mixed.seconds", 20);

	private static final int MIXED_CLIENTS = Integer.getInteger("harness.mixed.clients", 64);

	// Threads that run the simulated clients' operations (more clients than threads, so
	// that a thread carries many clients' tokens).
	private static final int MIXED_WORKERS = 8;

	// Think time between one client's operations: uniform in [min, max) ms.
	private static final int THINK_MIN_MILLIS = 20;

	private static final int THINK_MAX_MILLIS = 80;

	private static final int WRITE_PERCENT = 10;

	private static final int ROUNDS = Integer.getInteger("harness.rounds", 6);

	private static final int ROUND_SECONDS = Integer.getInteger("harness.round.seconds", 5);

	private static final Duration PROXY_DELAY = Duration.ofMillis(5);

	private static final String HIGH_LIMITS_1 = "routing-pools.health.max-replication-lag=1h";

	// Tokens stay honoured for the lag limit (the starter takes the longer of it and
	// token-max-age).
	private static final String HIGH_LIMITS_2 = "routing-pools.health.max-replication-lag-bytes=1GB";

	private static final String MODE = "routing-pools.consistency.mode=";

	// What the starter sends instead of a plain commit in mode lsn, as a
	// PreparedStatement
	// (ReadYourWrites.commitAndRecord).
	private static final String RECORDING_COMMIT = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL; COMMIT; "
			+ "SELECT pg_current_wal_insert_lsn()";

	// Held, so that its level stays set.
	private static final Logger TOMCAT_LOGGER = Logger.getLogger("org.apache");

	// POST→GET pairs each web application serves before part (c) measures, so that the
	// JIT has compiled the HTTP path.
	private static final int WEB_WARM_UP_PAIRS = 400;

	private final EmbeddedPostgresCluster cluster;

	// Row ids, unique over the whole run.
	private final AtomicLong ids = new AtomicLong();

	private final List<String> readRows = new ArrayList<>();

	private final List<String> writeRows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private final long started = System.nanoTime();

	private ConsistencyHarness(EmbeddedPostgresCluster cluster) {
		this.cluster = cluster;
		execute(cluster.primary(),
				"create table if not exists " + RoutedApp.TABLE + " (id bigint primary key, client int not null)");
		execute(cluster.primary(),
				"create sequence if not exists " + RowsController.SEQUENCE + " start " + RowsController.FIRST_ID);
		cluster.awaitReplication();
	}

	/**
	 * Run every part and print the tables.
	 * @param args the number of write→read pairs of part (a) (default 100000)
	 */
	public static void main(String[] args) throws Exception {
		int pairs = (args.length > 0) ? Integer.parseInt(args[0]) : 100_000;
		// Tomcat logs through java.util.logging, which Spring Boot's logging setup does
		// not
		// reach from the shaded jar (no META-INF/spring.factories).
		TOMCAT_LOGGER.setLevel(Level.WARNING);
		try (EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder().replicas(2).start()) {
			new ConsistencyHarness(cluster).run(pairs);
		}
	}

	private void run(int pairs) throws Exception {
		note("start: " + machine());
		try (RoutedApp app = new RoutedApp("lsn, high lag limits", this.cluster, primaryUrl(), HIGH_LIMITS_1,
				HIGH_LIMITS_2)) {
			pairsUnderReplayFaults(app, pairs, "lag limits 1 h / 1 GB");
		}
		try (RoutedApp app = new RoutedApp("lsn, default lag limits", this.cluster, primaryUrl())) {
			pairsUnderReplayFaults(app, Math.max(1, pairs / 10), "default lag limits (5 s / 16 MB)");
		}
		mixed("lsn", "lsn", MODE + "lsn");
		mixed("window 2 s (Rails-like: primary for 2 s after a write)", "window 2 s", MODE + "window",
				"routing-pools.consistency.window=2s");
		mixed("window 30 s (GitLab-like: sticks to the primary up to 30 s)", "window 30 s", MODE + "window",
				"routing-pools.consistency.window=30s");
		mixed("none", "none", MODE + "none");
		postRedirectGet(Math.max(1, pairs / 10), false);
		postRedirectGet(Math.max(1, pairs / 10), true);
		writeCost();
		rawCommits();
		roundTrips();
		print();
	}

	/**
	 * (a) Write→read pairs in one scope per thread while replay is paused and resumed at
	 * random on every replica.
	 */
	private void pairsUnderReplayFaults(RoutedApp app, int pairs, String limits) throws Exception {
		progress("(a) " + pairs + " write→read pairs, " + limits);
		String loadBefore = loadAverage();
		Map<String, Long> before = app.routes();
		ReplayFaults faults = new ReplayFaults(this.cluster.replicas(), app::replicaStates);
		Thread faultThread = new Thread(faults, "replay-faults");
		faultThread.start();
		LongAdder stale = new LongAdder();
		LongAdder onReplicas = new LongAdder();
		LongAdder done = new LongAdder();
		Samples latencies = new Samples();
		Samples writeLatencies = new Samples();
		long start = System.nanoTime();
		ExecutorService threads = Executors.newFixedThreadPool(PAIR_THREADS);
		try {
			List<Future<Samples>> work = new ArrayList<>();
			for (int thread = 0; thread < PAIR_THREADS; thread++) {
				int client = thread;
				int count = pairs / PAIR_THREADS + ((thread < pairs % PAIR_THREADS) ? 1 : 0);
				work.add(threads.submit(() -> {
					// This thread's scope: each write records its token there, and the
					// read
					// that follows is routed by it.
					Samples mine = new Samples();
					Samples myWrites = new Samples();
					for (int i = 0; i < count; i++) {
						long id = this.ids.incrementAndGet();
						long writeStart = System.nanoTime();
						app.write(id, client);
						long readStart = System.nanoTime();
						myWrites.add(TimeUnit.NANOSECONDS.toMicros(readStart - writeStart));
						Read read = app.read(id);
						mine.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - readStart));
						if (!read.found()) {
							stale.increment();
						}
						if (read.onReplica()) {
							onReplicas.increment();
						}
						done.increment();
					}
					ConsistencyScope.restore(null);
					synchronized (writeLatencies) {
						writeLatencies.addAll(myWrites);
					}
					return mine;
				}));
			}
			while (!work.stream().allMatch(Future::isDone)) {
				LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
				if (TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) % 15 == 0) {
					System.err.printf(Locale.ROOT, "  %d of %d pairs, replicas %s%n", done.sum(), pairs,
							app.replicaStates());
				}
			}
			for (Future<Samples> each : work) {
				latencies.addAll(each.get(remainingSeconds(), TimeUnit.SECONDS));
			}
		}
		finally {
			threads.shutdownNow();
			faults.stop(faultThread);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		this.cluster.awaitReplication();
		String scenario = "(a) write→read pairs, " + PAIR_THREADS
				+ " threads (one scope each), replay paused and resumed" + " at random on both replicas, " + limits;
		this.readRows.add(readRow(scenario, "lsn", latencies.size(), onReplicas.sum(), stale.sum(), latencies,
				delta(before, app.routes()), "0 stale"));
		note(String.format(Locale.ROOT,
				"(a) %s: %d pairs in %.0f s (%.0f pairs/s); write transaction p50 / p99 %.2f / %.2f ms; %s; load %s → %s",
				limits, latencies.size(), seconds, latencies.size() / seconds, writeLatencies.percentile(50) / 1000.0,
				writeLatencies.percentile(99) / 1000.0, faults.describe(), loadBefore, loadAverage()));
	}

	/**
	 * (b) Many simulated clients, each its own scope, on a healthy cluster: 10 % writes,
	 * 90 % read-only transactions that read back the client's last written row.
	 */
	private void mixed(String mode, String shortMode, String... properties) throws Exception {
		try (RoutedApp app = new RoutedApp("mixed, " + shortMode, this.cluster, primaryUrl(), properties)) {
			progress("(b) mixed workload, " + shortMode + ", " + MIXED_SECONDS + " s");
			String loadBefore = loadAverage();
			Map<String, Long> before = app.routes();
			LongAdder reads = new LongAdder();
			LongAdder onReplicas = new LongAdder();
			LongAdder stale = new LongAdder();
			LongAdder writes = new LongAdder();
			LongAdder failures = new LongAdder();
			Samples latencies = new Samples();
			ReplayLag lag = new ReplayLag(this.cluster.primary());
			Thread lagThread = new Thread(lag, "replay-lag");
			lagThread.start();
			long start = System.nanoTime();
			long end = start + TimeUnit.SECONDS.toNanos(MIXED_SECONDS);
			ScheduledExecutorService workers = Executors.newScheduledThreadPool(MIXED_WORKERS);
			CountDownLatch finished = new CountDownLatch(MIXED_CLIENTS);
			try {
				for (int number = 0; number < MIXED_CLIENTS; number++) {
					Client client = new Client(number);
					Runnable[] step = new Runnable[1];
					step[0] = () -> {
						if (System.nanoTime() >= end) {
							finished.countDown();
							return;
						}
						try {
							// The client's own scope, seeded with its token; whatever its
							// write records goes back to the client.
							client.token = ConsistencyScope.call(client.token, () -> {
								if (ThreadLocalRandom.current().nextInt(100) < WRITE_PERCENT) {
									long id = this.ids.incrementAndGet();
									app.write(id, client.number);
									client.lastWritten = id;
									writes.increment();
								}
								else {
									long readStart = System.nanoTime();
									Read read = app.read(client.lastWritten);
									long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - readStart);
									synchronized (latencies) {
										latencies.add(micros);
									}
									reads.increment();
									if (read.onReplica()) {
										onReplicas.increment();
									}
									if (client.lastWritten > 0 && !read.found()) {
										stale.increment();
									}
								}
								return ConsistencyToken.current();
							});
						}
						catch (Exception ex) {
							failures.increment();
						}
						workers.schedule(step[0], think(), TimeUnit.MICROSECONDS);
					};
					workers.schedule(step[0], think(), TimeUnit.MICROSECONDS);
				}
				if (!finished.await(MIXED_SECONDS + 120, TimeUnit.SECONDS)) {
					throw new IllegalStateException("The simulated clients did not finish");
				}
			}
			finally {
				workers.shutdownNow();
				lag.stopped = true;
				lagThread.join();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			boolean first = this.readRows.stream().noneMatch((row) -> row.startsWith("| (b)"));
			String scenario = first ? "(b) mixed: " + MIXED_CLIENTS + " clients (one scope each, token carried "
					+ "between their operations) on " + MIXED_WORKERS + " threads, " + WRITE_PERCENT
					+ " % writes, think time " + THINK_MIN_MILLIS + "–" + THINK_MAX_MILLIS + " ms, healthy cluster"
					: "(b) the same";
			this.readRows.add(readRow(scenario, mode, reads.sum(), onReplicas.sum(), stale.sum(), latencies,
					delta(before, app.routes()), "lsn".equals(shortMode) ? "≥ 90 % on replicas" : ""));
			note(String
				.format(Locale.ROOT, "(b) %s: %d operations in %.0f s (%.0f/s), %d writes, %d failed; replay lag "
						+ "(pg_stat_replication.replay_lag, sampled every 100 ms) p50 %.1f ms, max %.1f ms; load %s → %s",
						shortMode, reads.sum() + writes.sum(), seconds, (reads.sum() + writes.sum()) / seconds,
						writes.sum(), failures.sum(), lag.samples.percentile(50) / 1000.0, lag.samples.max() / 1000.0,
						loadBefore, loadAverage()));
		}
	}

	private static long think() {
		return ThreadLocalRandom.current()
			.nextLong(TimeUnit.MILLISECONDS.toMicros(THINK_MIN_MILLIS),
					TimeUnit.MILLISECONDS.toMicros(THINK_MAX_MILLIS));
	}

	/**
	 * (c) POST → 303 See Other → GET over HTTP: a Spring MVC application on embedded
	 * Tomcat with the starter's consistency filter ({@link RowsController}), driven by
	 * client threads that each have their own {@link HttpClient} and
	 * {@link CookieManager}, so that the {@code rp-consistency} cookie of the POST's
	 * answer comes back with the GET as a browser's would. The redirect is followed by
	 * hand, at once, to time the GET on its own. Each application first serves
	 * {@value #WEB_WARM_UP_PAIRS} pairs that are not counted, on a healthy cluster. With
	 * {@code replayPaused}, replay is paused on both replicas throughout while the lag
	 * limits keep them in rotation, so that only the cookie keeps the GETs off them; then
	 * the same rows are read without the cookie, which shows that it is the cookie that
	 * does.
	 */
	private void postRedirectGet(int pairs, boolean replayPaused) throws Exception {
		String what = replayPaused ? "replay paused on both replicas" : "healthy cluster";
		String[] properties = replayPaused ? new String[] { HIGH_LIMITS_1, HIGH_LIMITS_2 } : new String[0];
		try (RoutedApp app = RoutedApp.web("web, " + what, this.cluster, primaryUrl(), properties)) {
			progress("(c) " + pairs + " POST→303→GET pairs over HTTP, " + what);
			String loadBefore = loadAverage();
			URI base = URI.create("http://127.0.0.1:" + app.port());
			Web warmUp = new Web();
			for (int thread = 0; thread < 2; thread++) {
				warmUp.client(base, thread, WEB_WARM_UP_PAIRS / 2);
			}
			if (replayPaused) {
				this.cluster.replicas().forEach(PostgresNode::pauseReplay);
			}
			Web web = new Web();
			List<URI> lastRows = new ArrayList<>();
			double seconds;
			String states;
			Map<String, Long> routes;
			try {
				Map<String, Long> before = app.routes();
				long start = System.nanoTime();
				ExecutorService threads = Executors.newFixedThreadPool(PAIR_THREADS);
				try {
					List<Future<List<URI>>> work = new ArrayList<>();
					for (int thread = 0; thread < PAIR_THREADS; thread++) {
						int client = thread;
						int count = pairs / PAIR_THREADS + ((thread < pairs % PAIR_THREADS) ? 1 : 0);
						work.add(threads.submit(() -> web.client(base, client, count)));
					}
					for (Future<List<URI>> each : work) {
						lastRows.addAll(each.get(remainingSeconds(), TimeUnit.SECONDS));
					}
				}
				finally {
					threads.shutdownNow();
				}
				seconds = (System.nanoTime() - start) / 1e9;
				routes = delta(before, app.routes());
				states = app.replicaStates();
				if (replayPaused) {
					web.withoutCookie(lastRows);
				}
			}
			finally {
				if (replayPaused) {
					this.cluster.replicas().forEach(PostgresNode::resumeReplay);
				}
				this.cluster.awaitReplication();
			}
			String scenario = replayPaused
					? "(c) the same, replay paused on both replicas throughout (lag limits 1 h / 1 GB keep them in "
							+ "rotation: only the cookie keeps the GETs off them)"
					: "(c) POST → 303 See Other → GET over HTTP: Spring MVC on Tomcat with the starter's filter, "
							+ PAIR_THREADS + " client threads, each its own `HttpClient` and `CookieManager` "
							+ "(the `rp-consistency` cookie travels as a browser's would), healthy cluster";
			this.readRows
				.add(readRow(scenario, "lsn", web.gets.sum(), web.onReplicas.sum(), web.stale.sum(), web.getLatencies,
						routes, replayPaused ? "0 stale, all on the primary" : "0 stale, ≥ 90 % on replicas"));
			StringBuilder note = new StringBuilder(String.format(Locale.ROOT,
					"(c) %s: %d pairs in %.0f s (%.0f pairs/s); POST p50 / p99 %.2f / %.2f ms; %d GETs without the "
							+ "cookie, %d answers other than 303 / 200 / 404 or failed requests; replicas %s at the end",
					what, web.gets.sum(), seconds, web.gets.sum() / seconds, web.postLatencies.percentile(50) / 1000.0,
					web.postLatencies.percentile(99) / 1000.0, web.cookieless.sum(), web.errors.sum(), states));
			if (replayPaused) {
				note.append(String.format(Locale.ROOT,
						"; then %d of the same rows read without the cookie: %d found, %d not found (404), %d served "
								+ "by replicas",
						web.controlGets.sum(), web.controlFound.sum(), web.controlGets.sum() - web.controlFound.sum(),
						web.controlOnReplicas.sum()));
			}
			note.append("; load ").append(loadBefore).append(" → ").append(loadAverage());
			note(note.toString());
		}
	}

	/** The clients of part (c), and what they counted. */
	private static final class Web {

		private static final Duration TIMEOUT = Duration.ofSeconds(30);

		// Rows each client keeps for the reads without the cookie.
		private static final int KEPT_ROWS = 50;

		final LongAdder gets = new LongAdder();

		final LongAdder stale = new LongAdder();

		final LongAdder onReplicas = new LongAdder();

		final LongAdder cookieless = new LongAdder();

		final LongAdder errors = new LongAdder();

		final LongAdder controlGets = new LongAdder();

		final LongAdder controlFound = new LongAdder();

		final LongAdder controlOnReplicas = new LongAdder();

		final Samples getLatencies = new Samples();

		final Samples postLatencies = new Samples();

		/**
		 * One client: its own {@code HttpClient} and cookie store, {@code count} pairs.
		 * @return the last rows it wrote
		 */
		List<URI> client(URI base, int client, int count) throws IOException, InterruptedException {
			HttpClient http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.followRedirects(HttpClient.Redirect.NEVER)
				.cookieHandler(new CookieManager())
				.connectTimeout(TIMEOUT)
				.build();
			Samples gets = new Samples();
			Samples posts = new Samples();
			ArrayDeque<URI> kept = new ArrayDeque<>();
			HttpRequest post = HttpRequest.newBuilder(base.resolve("/rows"))
				.timeout(TIMEOUT)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("client=" + client))
				.build();
			for (int i = 0; i < count; i++) {
				long postStart = System.nanoTime();
				HttpResponse<Void> posted = http.send(post, HttpResponse.BodyHandlers.discarding());
				long getStart = System.nanoTime();
				posts.add(TimeUnit.NANOSECONDS.toMicros(getStart - postStart));
				Optional<String> location = posted.headers().firstValue("Location");
				if (posted.statusCode() != 303 || location.isEmpty()) {
					this.errors.increment();
					continue;
				}
				URI row = base.resolve(location.get());
				HttpResponse<String> got = http.send(HttpRequest.newBuilder(row).timeout(TIMEOUT).GET().build(),
						HttpResponse.BodyHandlers.ofString());
				gets.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - getStart));
				Served served = Served.parse(got);
				if (served == null) {
					this.errors.increment();
					continue;
				}
				this.gets.increment();
				if (!served.found()) {
					this.stale.increment();
				}
				if (served.onReplica()) {
					this.onReplicas.increment();
				}
				if (!served.cookie()) {
					this.cookieless.increment();
				}
				kept.addLast(row);
				if (kept.size() > KEPT_ROWS) {
					kept.removeFirst();
				}
			}
			synchronized (this) {
				this.getLatencies.addAll(gets);
				this.postLatencies.addAll(posts);
			}
			return new ArrayList<>(kept);
		}

		/** Read the rows again, from a client that has no cookie. */
		void withoutCookie(List<URI> rows) throws IOException, InterruptedException {
			HttpClient http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.followRedirects(HttpClient.Redirect.NEVER)
				.connectTimeout(TIMEOUT)
				.build();
			for (URI row : rows) {
				Served served = Served.parse(http.send(HttpRequest.newBuilder(row).timeout(TIMEOUT).GET().build(),
						HttpResponse.BodyHandlers.ofString()));
				if (served == null) {
					this.errors.increment();
					continue;
				}
				this.controlGets.increment();
				if (served.found()) {
					this.controlFound.increment();
				}
				if (served.onReplica()) {
					this.controlOnReplicas.increment();
				}
			}
		}

	}

	/**
	 * What {@code GET /rows/{id}} answered.
	 *
	 * @param found 200 rather than 404
	 * @param onReplica whether a standby served it
	 * @param cookie whether the request carried the consistency cookie
	 */
	private record Served(boolean found, boolean onReplica, boolean cookie) {

		static @Nullable Served parse(HttpResponse<String> response) {
			String[] fields = response.body().split(" ");
			if ((response.statusCode() != 200 && response.statusCode() != 404) || fields.length != 3) {
				return null;
			}
			Read read = new Read(response.statusCode() == 200, fields[0], Boolean.parseBoolean(fields[1]));
			return new Served(read.found(), read.onReplica(), Boolean.parseBoolean(fields[2]));
		}

	}

	/**
	 * (d) Write transactions (one insert each) in mode none and mode lsn, two
	 * applications side by side, in paired rounds that alternate which goes first.
	 */
	private void writeCost() throws Exception {
		progress("(d) write cost, " + ROUNDS + " paired rounds of " + ROUND_SECONDS + " s");
		String loadBefore = loadAverage();
		try (RoutedApp none = new RoutedApp("writes, none", this.cluster, primaryUrl(), MODE + "none");
				RoutedApp lsn = new RoutedApp("writes, lsn", this.cluster, primaryUrl(), MODE + "lsn")) {
			writeLoad(none, Duration.ofSeconds(2));
			writeLoad(lsn, Duration.ofSeconds(2));
			double[] noneRates = new double[ROUNDS];
			double[] lsnRates = new double[ROUNDS];
			double[] ratios = new double[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				Duration length = Duration.ofSeconds(ROUND_SECONDS);
				if (round % 2 == 0) {
					noneRates[round] = writeLoad(none, length);
					lsnRates[round] = writeLoad(lsn, length);
				}
				else {
					lsnRates[round] = writeLoad(lsn, length);
					noneRates[round] = writeLoad(none, length);
				}
				ratios[round] = lsnRates[round] / noneRates[round];
				System.err.printf(Locale.ROOT, "  round %d: none %.0f/s, lsn %.0f/s, ratio %.3f%n", round + 1,
						noneRates[round], lsnRates[round], ratios[round]);
			}
			String perRound = Arrays.stream(ratios)
				.mapToObj((ratio) -> String.format(Locale.ROOT, "%.2f", ratio))
				.collect(Collectors.joining(", "));
			this.writeRows.add(String.format(Locale.ROOT,
					"| write transactions/s, %d threads, one insert each (median of %d paired rounds of %d s) "
							+ "| %.0f | %.0f | **%.2f** (%.2f–%.2f; per round %s) |",
					THREADS, ROUNDS, ROUND_SECONDS, median(noneRates), median(lsnRates), median(ratios), min(ratios),
					max(ratios), perRound));
		}
		note("(d) rounds: load " + loadBefore + " → " + loadAverage());
	}

	/**
	 * (d) The same load on plain pgjdbc connections to the primary, without pool, routing
	 * or tokens: a plain {@code commit()} against the starter's three-statement commit,
	 * to tell what the statement itself costs the database and the driver from what the
	 * starter's bookkeeping costs. The three statements are sent as the starter sends
	 * them, a {@code PreparedStatement} prepared and closed at every commit (pgjdbc keeps
	 * it in its per-connection cache and on the server after {@code prepareThreshold}, 5,
	 * uses, so the server no longer parses and plans the two queries at every commit),
	 * and as a plain {@code Statement}, as the starter sent them before, which the server
	 * parses and plans every time. The three run one after the other in each round, in an
	 * order that rotates.
	 */
	private void rawCommits() throws Exception {
		progress("(d) raw pgjdbc: commit() against the three-statement commit");
		String loadBefore = loadAverage();
		int seconds = Math.max(1, ROUND_SECONDS * 3 / 5);
		double[][] rates = new double[RawCommit.values().length][ROUNDS];
		for (RawCommit commit : RawCommit.values()) {
			rawLoad(commit, Duration.ofSeconds(1));
		}
		for (int round = 0; round < ROUNDS; round++) {
			Duration length = Duration.ofSeconds(seconds);
			for (int i = 0; i < RawCommit.values().length; i++) {
				RawCommit commit = RawCommit.values()[(round + i) % RawCommit.values().length];
				rates[commit.ordinal()][round] = rawLoad(commit, length);
			}
			System.err.printf(Locale.ROOT,
					"  round %d: commit() %.0f/s, three statements as a Statement %.0f/s, as a PreparedStatement %.0f/s%n",
					round + 1, rates[0][round], rates[1][round], rates[2][round]);
		}
		double[] plain = rates[RawCommit.PLAIN.ordinal()];
		for (RawCommit commit : List.of(RawCommit.PREPARED, RawCommit.STATEMENT)) {
			double[] ratios = new double[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				ratios[round] = rates[commit.ordinal()][round] / plain[round];
			}
			String what = (commit == RawCommit.PREPARED)
					? "the same on plain pgjdbc connections (no pool, no routing, no token): `commit()` against `"
							+ "prepareStatement(\"" + RECORDING_COMMIT + "\").execute()`, prepared and closed at every "
							+ "commit as the starter does (pgjdbc's statement cache keeps it server-prepared after 5 uses)"
					: "… against the same three statements as a plain `Statement`, as the starter sent them before "
							+ "(parsed and planned at every commit)";
			this.writeRows.add(String.format(Locale.ROOT,
					"| %s (median of %d rounds of %d s each) | %.0f | %.0f | **%.2f** (%.2f–%.2f) |", what, ROUNDS,
					seconds, median(plain), median(rates[commit.ordinal()]), median(ratios), min(ratios), max(ratios)));
		}
		note("(d) raw pgjdbc rounds: load " + loadBefore + " → " + loadAverage());
	}

	private double rawLoad(RawCommit commit, Duration length) throws Exception {
		return throughput(length, (client, end) -> {
			long count = 0;
			try (Connection connection = this.cluster.primary().connect();
					PreparedStatement insert = connection
						.prepareStatement("insert into " + RoutedApp.TABLE + " (id, client) values (?, ?)");
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				while (System.nanoTime() < end) {
					insert.setLong(1, this.ids.incrementAndGet());
					insert.setInt(2, client);
					insert.executeUpdate();
					switch (commit) {
						case PLAIN -> connection.commit();
						case STATEMENT -> drain(statement, statement.execute(RECORDING_COMMIT));
						case PREPARED -> {
							try (PreparedStatement prepared = connection.prepareStatement(RECORDING_COMMIT)) {
								drain(prepared, prepared.execute());
							}
						}
					}
					count++;
				}
			}
			return count;
		});
	}

	/**
	 * Run the same load on {@link #THREADS} threads for a while.
	 * @param length how long
	 * @param load one thread's load: given the thread's number and when to stop (on
	 * {@link System#nanoTime()}'s scale), it returns how many operations it completed
	 * @return operations per second over all threads
	 */
	private double throughput(Duration length, ThreadLoad load) throws Exception {
		long end = System.nanoTime() + length.toNanos();
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		long start = System.nanoTime();
		long total = 0;
		try {
			List<Future<Long>> work = new ArrayList<>();
			for (int thread = 0; thread < THREADS; thread++) {
				int client = thread;
				work.add(threads.submit(() -> load.run(client, end)));
			}
			for (Future<Long> each : work) {
				total += each.get(remainingSeconds(), TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		return total / ((System.nanoTime() - start) / 1e9);
	}

	/** One thread's load of {@link #throughput}. */
	@FunctionalInterface
	private interface ThreadLoad {

		long run(int client, long endNanos) throws Exception;

	}

	/** How a raw write transaction of part (d) commits. */
	private enum RawCommit {

		PLAIN, STATEMENT, PREPARED

	}

	private static void drain(Statement statement, boolean resultSet) throws SQLException {
		boolean more = resultSet;
		while (more || statement.getUpdateCount() != -1) {
			if (more) {
				try (ResultSet rows = statement.getResultSet()) {
					while (rows.next()) {
						rows.getString(1);
					}
				}
			}
			more = statement.getMoreResults();
		}
	}

	private double writeLoad(RoutedApp app, Duration length) throws Exception {
		return throughput(length, (client, end) -> {
			long count = 0;
			while (System.nanoTime() < end) {
				app.write(this.ids.incrementAndGet(), client);
				count++;
			}
			ConsistencyScope.restore(null);
			return count;
		});
	}

	/**
	 * (d) Round trips of one write transaction: through the primary's fault proxy, which
	 * delays every chunk by 5 ms each way, so that each round trip costs about 10 ms and
	 * the latency counts them. Modes none and lsn alternate in batches, one thread.
	 */
	private void roundTrips() throws Exception {
		progress("(d) round trips of a write transaction through a delaying proxy");
		FaultProxy proxy = this.cluster.primary().proxy();
		try (RoutedApp none = new RoutedApp("proxy, none", this.cluster, proxy.jdbcUrl(), MODE + "none");
				RoutedApp lsn = new RoutedApp("proxy, lsn", this.cluster, proxy.jdbcUrl(), MODE + "lsn")) {
			Samples noneMicros = new Samples();
			Samples lsnMicros = new Samples();
			proxy.delay(PROXY_DELAY);
			try {
				for (int batch = 0; batch < 10; batch++) {
					RoutedApp first = (batch % 2 == 0) ? none : lsn;
					RoutedApp second = (first == none) ? lsn : none;
					timeWrites(first, (first == none) ? noneMicros : lsnMicros, 10);
					timeWrites(second, (second == none) ? noneMicros : lsnMicros, 10);
				}
			}
			finally {
				proxy.pass();
			}
			double roundTrip = 2 * PROXY_DELAY.toNanos() / 1000.0;
			this.writeRows.add(String.format(Locale.ROOT,
					"| one write transaction through a proxy that delays each way by %d ms, p50 of %d (ms; round trips"
							+ " = p50 / %d ms) | %.1f (%.1f round trips) | %.1f (%.1f round trips) | %+.1f round trips |",
					PROXY_DELAY.toMillis(), noneMicros.size(), 2 * PROXY_DELAY.toMillis(),
					noneMicros.percentile(50) / 1000.0, noneMicros.percentile(50) / roundTrip,
					lsnMicros.percentile(50) / 1000.0, lsnMicros.percentile(50) / roundTrip,
					(lsnMicros.percentile(50) - noneMicros.percentile(50)) / roundTrip));
		}
	}

	private void timeWrites(RoutedApp app, Samples samples, int count) {
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			app.write(this.ids.incrementAndGet(), 0);
			samples.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
		}
		ConsistencyScope.restore(null);
	}

	private void print() {
		System.out.println();
		System.out.println("| scenario | consistency | read-only transactions | on replicas | stale reads "
				+ "| read p50 / p99 (ms) | routes (pool reason: bindings) | goal |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
		this.readRows.forEach(System.out::println);
		System.out.println();
		System.out.println("| write cost (d) | without a token (mode none; plain commit) | with a token (mode lsn; "
				+ "prepared three-statement commit) | with / without |");
		System.out.println("| --- | --- | --- | --- |");
		this.writeRows.forEach(System.out::println);
		System.out.println();
		note("end: " + machine());
		note(String.format(Locale.ROOT, "whole run: %.1f min", (System.nanoTime() - this.started) / 60e9));
		this.notes.forEach((note) -> System.out.println("- " + note));
	}

	private static String readRow(String scenario, String mode, long reads, long onReplicas, long stale,
			Samples latencies, Map<String, Long> routes, String goal) {
		return String.format(Locale.ROOT, "| %s | %s | %d | %.1f %% | %d | %.2f / %.2f | %s | %s |", scenario, mode,
				reads, (reads > 0) ? 100.0 * onReplicas / reads : 0.0, stale, latencies.percentile(50) / 1000.0,
				latencies.percentile(99) / 1000.0, describe(routes), goal);
	}

	private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
		Map<String, Long> delta = new java.util.TreeMap<>();
		after.forEach((route, count) -> {
			long made = count - before.getOrDefault(route, 0L);
			if (made > 0) {
				delta.put(route, made);
			}
		});
		return delta;
	}

	private static String describe(Map<String, Long> routes) {
		return routes.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
			.map((entry) -> entry.getKey() + ": " + entry.getValue())
			.collect(Collectors.joining(", "));
	}

	private String primaryUrl() {
		return this.cluster.primary().jdbcUrl();
	}

	private void progress(String message) {
		System.err.printf(Locale.ROOT, "[%5.0f s] %s (load %s)%n", (System.nanoTime() - this.started) / 1e9, message,
				loadAverage());
	}

	private void note(String note) {
		this.notes.add(note);
		System.err.println("note: " + note);
	}

	private long remainingSeconds() {
		// Nothing here should take anywhere near this long; a hang fails the run.
		return TimeUnit.MINUTES.toSeconds(30);
	}

	private static String machine() {
		return Runtime.getRuntime().availableProcessors() + " CPUs, load average " + loadAverage();
	}

	/** The 1-, 5- and 15-minute load averages from /proc/loadavg. */
	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " / " + fields[1] + " / " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static double min(double[] values) {
		return Arrays.stream(values).min().orElse(0);
	}

	private static double max(double[] values) {
		return Arrays.stream(values).max().orElse(0);
	}

	private static void execute(PostgresNode node, String sql) {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A simulated client of part (b): its token and the last row it wrote. */
	private static final class Client {

		final int number;

		@Nullable ConsistencyToken token;

		long lastWritten = -1;

		Client(int number) {
			this.number = number;
		}

	}

	/**
	 * Samples the replicas' replay lag as the primary reports it
	 * ({@code pg_stat_replication.replay_lag}, the larger of the two), every 100 ms, in
	 * microseconds; idle periods (NULL) are left out.
	 */
	private static final class ReplayLag implements Runnable {

		final Samples samples = new Samples();

		private final PostgresNode primary;

		volatile boolean stopped;

		ReplayLag(PostgresNode primary) {
			this.primary = primary;
		}

		@Override
		public void run() {
			try (Connection connection = this.primary.connect(); Statement statement = connection.createStatement()) {
				while (!this.stopped) {
					try (ResultSet row = statement.executeQuery(
							"select (extract(epoch from max(replay_lag)) * 1000000)::bigint from pg_stat_replication")) {
						if (row.next()) {
							long micros = row.getLong(1);
							if (!row.wasNull()) {
								this.samples.add(micros);
							}
						}
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
