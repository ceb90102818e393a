package io.routingpools.benchmarks.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.DoubleStream;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.autoconfigure.RoutingPoolsAutoConfiguration;
import io.routingpools.benchmarks.failover.Samples;
import io.routingpools.benchmarks.tenant.TenantLoad.TenantResult;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.pool.NamedPools;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Measures whether a noisy tenant slows quiet tenants' connection acquisitions on the
 * shared pools (DESIGN section 7, issue 9), against the same load through one plain
 * HikariCP pool, on a real embedded primary, and prints Markdown tables for
 * {@code docs/benchmarks.md}. Run it with
 * {@code java -cp benchmarks/target/benchmarks.jar io.routingpools.benchmarks.tenant.TenantFairnessHarness [--quick]}.
 * <p>
 * Three quiet tenants run {@value #QUIET_THREADS} threads each, one noisy tenant
 * {@value #LOAD_FACTOR} times as many, all of the same closed loop ({@link TenantLoad}).
 * Through the starter the primary pool has {@value #POOL_SIZE} connections, the noisy
 * tenant a quota of {@value #NOISY_QUOTA} and the quiet tenants the default quota,
 * {@value #QUIET_QUOTA}; the plain pool has the primary pool's settings and no quotas.
 * Each round runs four phases, each pool with the quiet tenants alone (their solo
 * baseline) and with the noisy tenant (mixed), in an order that reverses every round. The
 * goal: the quiet tenants' p99 acquisition time mixed at most {@value #GOAL}&times; solo,
 * and none of their units failing.
 * <p>
 * {@code --quick} runs one short round (a smoke test); {@code -Dharness.rounds=3},
 * {@code -Dharness.phase.seconds=20} and {@code -Dharness.warmup.seconds=5} change the
 * sizes.
 */
public final class TenantFairnessHarness {

	private static final List<String> QUIET = List.of("quiet-1", "quiet-2", "quiet-3");

	private static final String NOISY = "noisy";

	private static final int QUIET_THREADS = 2;

	// A thread of TenantLoad holds a connection about two thirds of the time: the noisy
	// tenant's threads want more connections than the pool has.
	private static final int LOAD_FACTOR = 10;

	private static final int POOL_SIZE = 10;

	private static final int NOISY_QUOTA = 4;

	// The quiet tenants' threads: with the noisy tenant's quota it adds up to the pool.
	private static final int QUIET_QUOTA = 2;

	// Long enough that the noisy tenant queues for its quota rather than fails.
	private static final Duration QUOTA_WAIT_TIMEOUT = Duration.ofSeconds(10);

	private static final double GOAL = 1.2;

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final DataSource starter;

	private final HikariDataSource starterPrimary;

	private final HikariDataSource plain;

	private final int rounds;

	private final Duration phaseLength;

	private final Duration warmUp;

	private final List<Round> results = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private final List<Double> loads = new ArrayList<>();

	private final long started = System.nanoTime();

	private TenantFairnessHarness(DataSource starter, HikariDataSource starterPrimary, HikariDataSource plain,
			boolean quick) {
		this.starter = starter;
		this.starterPrimary = starterPrimary;
		this.plain = plain;
		this.rounds = quick ? 1 : Integer.getInteger("harness.rounds", 3);
		this.phaseLength = Duration.ofSeconds(quick ? 3 : Integer.getInteger("harness.phase.seconds", 20));
		this.warmUp = Duration.ofSeconds(quick ? 2 : Integer.getInteger("harness.warmup.seconds", 5));
	}

	/**
	 * Run the rounds and print the tables.
	 * @param args {@code --quick} for one short round
	 */
	public static void main(String[] args) throws Exception {
		boolean quick = Arrays.asList(args).contains("--quick");
		try (EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder().replicas(0).start();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
					.web(WebApplicationType.NONE)
					.properties("routing-pools.primary.url=" + cluster.primary().jdbcUrl(),
							"routing-pools.defaults.username=" + cluster.username(),
							"routing-pools.defaults.password=" + cluster.password(),
							"routing-pools.primary.maximum-pool-size=" + POOL_SIZE,
							"routing-pools.tenants.default-quota=" + QUIET_QUOTA,
							"routing-pools.tenants.quotas." + NOISY + "=" + NOISY_QUOTA,
							"routing-pools.tenants.quota-wait-timeout=" + QUOTA_WAIT_TIMEOUT.toMillis() + "ms",
							"spring.main.banner-mode=off", "logging.level.root=warn")
					.run()) {
			HikariDataSource primary = context.getBean(NamedPools.class).primary().dataSource();
			try (HikariDataSource plain = plainPool(primary)) {
				new TenantFairnessHarness(context.getBean(DataSource.class), primary, plain, quick).run();
			}
		}
	}

	/** A pool with the starter's primary pool's settings, used directly. */
	private static HikariDataSource plainPool(HikariDataSource primary) {
		HikariConfig config = new HikariConfig();
		primary.copyStateTo(config);
		config.setPoolName("plain-hikari");
		return new HikariDataSource(config);
	}

	private void run() throws InterruptedException {
		note("start: " + machine());
		note(String.format(Locale.ROOT,
				"both pools: maximumPoolSize %d, minimumIdle %d, connectionTimeout %d ms; "
						+ "%d rounds of 4 phases of %d s, after %d s of warm-up on each pool",
				this.starterPrimary.getMaximumPoolSize(), this.starterPrimary.getMinimumIdle(),
				this.starterPrimary.getConnectionTimeout(), this.rounds, this.phaseLength.toSeconds(),
				this.warmUp.toSeconds()));
		for (Pool pool : Pool.values()) {
			phase(pool, Phase.MIXED, this.warmUp, "warm-up", false);
		}
		for (int round = 0; round < this.rounds; round++) {
			Round measured = new Round();
			List<Pool> pools = new ArrayList<>(List.of(Pool.values()));
			List<Phase> phases = new ArrayList<>(List.of(Phase.values()));
			if (round % 2 == 1) {
				// Reversed, so that a drift of the machine weighs on both sides alike.
				Collections.reverse(pools);
				Collections.reverse(phases);
			}
			String label = "round " + (round + 1) + " of " + this.rounds;
			for (Pool pool : pools) {
				for (Phase phase : phases) {
					measured.put(pool, phase, phase(pool, phase, this.phaseLength, label, true));
				}
			}
			this.results.add(measured);
		}
		print();
	}

	/**
	 * Run one phase once the pool has no connection in use.
	 * @param counted whether the phase is measured (not warm-up), for the load range
	 */
	private Measured phase(Pool pool, Phase phase, Duration length, String label, boolean counted)
			throws InterruptedException {
		HikariDataSource physical = (pool == Pool.STARTER) ? this.starterPrimary : this.plain;
		await(() -> Objects.requireNonNull(physical.getHikariPoolMXBean()).getActiveConnections() == 0);
		Map<String, Integer> threads = new LinkedHashMap<>();
		QUIET.forEach((tenant) -> threads.put(tenant, QUIET_THREADS));
		if (phase == Phase.MIXED) {
			threads.put(NOISY, QUIET_THREADS * LOAD_FACTOR);
		}
		String before = loadAverage();
		Measured measured = new Measured(
				TenantLoad.run((pool == Pool.STARTER) ? this.starter : this.plain, threads, length));
		String after = loadAverage();
		if (counted) {
			this.loads.add(oneMinuteLoad(before));
			this.loads.add(oneMinuteLoad(after));
		}
		Samples quiet = measured.quiet();
		String noisy = "";
		if (phase == Phase.MIXED) {
			TenantResult result = measured.noisy();
			noisy = String.format(Locale.ROOT, "; noisy %.0f units/s, p99 %d µs, %d rejected", result.throughput(),
					result.acquisitions.percentile(99), result.rejections);
		}
		System.err.printf(Locale.ROOT, "[%4.0f s] %s, %s, %s: quiet p50 / p99 %d / %d µs, %d failed%s; load %s → %s%n",
				(System.nanoTime() - this.started) / 1e9, label, pool.label, phase.label, quiet.percentile(50),
				quiet.percentile(99), measured.quietFailures(), noisy, before, after);
		return measured;
	}

	private void print() {
		System.out.println();
		System.out.println("| round | pool | quiet solo p50 / p99 (µs) | quiet mixed p50 / p99 (µs) "
				+ "| quiet p99 mixed / solo | worst quiet tenant's p99 mixed / solo | quiet units failed (solo, mixed) "
				+ "| noisy units/s (a quiet tenant's, mixed) | noisy acquisition p50 / p99 (µs) | noisy rejections |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		for (int round = 0; round < this.results.size(); round++) {
			for (Pool pool : Pool.values()) {
				Measured solo = this.results.get(round).get(pool, Phase.SOLO);
				Measured mixed = this.results.get(round).get(pool, Phase.MIXED);
				TenantResult noisy = mixed.noisy();
				System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %.2f | %.2f | %d, %d | %.0f (%.0f) | %s | %d |%n",
						round + 1, pool.label, percentiles(solo.quiet()), percentiles(mixed.quiet()),
						mixed.p99Over(solo), mixed.worstTenantP99Over(solo), solo.quietFailures(),
						mixed.quietFailures(), noisy.throughput(), mixed.quietThroughput(),
						percentiles(noisy.acquisitions), noisy.rejections);
			}
		}
		System.out.println();
		System.out.println("| pool | quiet solo p50 / p99 (µs) | quiet mixed p50 / p99 (µs) "
				+ "| **quiet p99 mixed / solo**, median (per round) | goal | quiet units failed | noisy units/s "
				+ "| noisy rejections |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Pool pool : Pool.values()) {
			double[] ratios = this.results.stream()
				.mapToDouble((round) -> round.get(pool, Phase.MIXED).p99Over(round.get(pool, Phase.SOLO)))
				.toArray();
			String perRound = Arrays.stream(ratios)
				.mapToObj((ratio) -> String.format(Locale.ROOT, "%.2f", ratio))
				.collect(Collectors.joining(", "));
			long failed = this.results.stream()
				.mapToLong((round) -> round.get(pool, Phase.SOLO).quietFailures()
						+ round.get(pool, Phase.MIXED).quietFailures())
				.sum();
			double noisyThroughput = median(
					this.results.stream().mapToDouble((round) -> round.get(pool, Phase.MIXED).noisy().throughput()));
			long rejections = this.results.stream()
				.mapToLong((round) -> round.get(pool, Phase.MIXED).noisy().rejections)
				.sum();
			System.out.printf(Locale.ROOT, "| %s | %s | %s | **%.2f** (%s) | ≤ %.1f, 0 failed | %d | %.0f | %d |%n",
					pool.label, medianPercentiles(pool, Phase.SOLO), medianPercentiles(pool, Phase.MIXED),
					median(Arrays.stream(ratios)), perRound, GOAL, failed, noisyThroughput, rejections);
		}
		System.out.println();
		System.out.println("| pool | phase | tenant | threads | units | units/s | acquisition p50 / p99 / max (µs) "
				+ "| rejected | timed out | other errors |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Pool pool : Pool.values()) {
			for (Phase phase : Phase.values()) {
				Map<String, TenantResult> pooled = new LinkedHashMap<>();
				for (Round round : this.results) {
					round.get(pool, phase).tenants.forEach((tenant,
							result) -> pooled.computeIfAbsent(tenant, (id) -> new TenantResult()).addAll(result));
				}
				pooled.forEach((tenant, result) -> System.out.printf(Locale.ROOT,
						"| %s | %s | %s | %d | %d | %.0f | %d / %d / %d | %d | %d | %d |%n", pool.label, phase.label,
						tenant, NOISY.equals(tenant) ? QUIET_THREADS * LOAD_FACTOR : QUIET_THREADS, result.transactions,
						result.throughput(), result.acquisitions.percentile(50), result.acquisitions.percentile(99),
						result.acquisitions.max(), result.rejections, result.timeouts, result.errors));
			}
		}
		System.out.println();
		note(String.format(Locale.ROOT, "1-minute load average during the measured phases: %.2f–%.2f",
				this.loads.stream().mapToDouble(Double::doubleValue).min().orElse(0),
				this.loads.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
		note("end: " + machine());
		note(String.format(Locale.ROOT, "whole run: %.1f min", (System.nanoTime() - this.started) / 60e9));
		this.notes.forEach((note) -> System.out.println("- " + note));
	}

	/** The quiet tenants' p50 / p99 of a pool and phase: the medians over the rounds. */
	private String medianPercentiles(Pool pool, Phase phase) {
		return String.format(Locale.ROOT, "%.0f / %.0f",
				median(this.results.stream().mapToDouble((round) -> round.get(pool, phase).quiet().percentile(50))),
				median(this.results.stream().mapToDouble((round) -> round.get(pool, phase).quiet().percentile(99))));
	}

	private static String percentiles(Samples samples) {
		return samples.percentile(50) + " / " + samples.percentile(99);
	}

	private static double median(DoubleStream values) {
		double[] sorted = values.sorted().toArray();
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private void note(String note) {
		this.notes.add(note);
		System.err.println("note: " + note);
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

	private static double oneMinuteLoad(String loadAverage) {
		try {
			return Double.parseDouble(loadAverage.split(" ")[0]);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** What the tenants of one phase measured, by tenant. */
	private static final class Measured {

		final Map<String, TenantResult> tenants;

		Measured(Map<String, TenantResult> tenants) {
			this.tenants = tenants;
		}

		TenantResult tenant(String id) {
			return Objects.requireNonNull(this.tenants.get(id), id);
		}

		TenantResult noisy() {
			return tenant(NOISY);
		}

		/** The quiet tenants' acquisitions, together. */
		Samples quiet() {
			Samples all = new Samples();
			QUIET.forEach((id) -> all.addAll(tenant(id).acquisitions));
			return all;
		}

		long quietFailures() {
			return QUIET.stream().mapToLong((id) -> tenant(id).failures()).sum();
		}

		/** A quiet tenant's committed units per second, on average. */
		double quietThroughput() {
			return QUIET.stream().mapToDouble((id) -> tenant(id).throughput()).average().orElse(0);
		}

		/**
		 * The quiet tenants' p99 here over their p99 in another phase, all three
		 * together.
		 */
		double p99Over(Measured baseline) {
			return (double) quiet().percentile(99) / Math.max(1, baseline.quiet().percentile(99));
		}

		/** The largest of the quiet tenants' own p99 ratios against another phase. */
		double worstTenantP99Over(Measured baseline) {
			return QUIET.stream()
				.mapToDouble((id) -> (double) tenant(id).acquisitions.percentile(99)
						/ Math.max(1, baseline.tenant(id).acquisitions.percentile(99)))
				.max()
				.orElse(0);
		}

	}

	/** The four phases of one round. */
	private static final class Round {

		private final Map<String, Measured> phases = new LinkedHashMap<>();

		void put(Pool pool, Phase phase, Measured measured) {
			this.phases.put(pool + " " + phase, measured);
		}

		Measured get(Pool pool, Phase phase) {
			return Objects.requireNonNull(this.phases.get(pool + " " + phase), phase.label);
		}

	}

	/** Which pool serves a phase. */
	private enum Pool {

		STARTER("starter (shared primary pool, quotas)"), PLAIN("plain HikariCP (one pool, no quotas)");

		final String label;

		Pool(String label) {
			this.label = label;
		}

	}

	/** The quiet tenants alone, or with the noisy tenant. */
	private enum Phase {

		SOLO("solo"), MIXED("mixed");

		final String label;

		Phase(String label) {
			this.label = label;
		}

	}

	/** The routing starter alone, without a web server. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(RoutingPoolsAutoConfiguration.class)
	static class Application {

	}

}
