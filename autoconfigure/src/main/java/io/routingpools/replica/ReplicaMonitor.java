package io.routingpools.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Watches every replica, and the primary's WAL position, on connections of its own (never
 * from the user pools), every {@code check-interval} (DESIGN section 6), and keeps
 * {@link ReplicaStates} current. Each node has its own thread, so a hung node delays only
 * its own checks, and each probe is bounded by {@code probe-timeout}.
 * <p>
 * A replica check is one query: {@code pg_is_in_recovery()},
 * {@code pg_last_wal_replay_lsn()} and {@code pg_stat_wal_receiver}'s status. The primary
 * check reads {@code pg_current_wal_lsn()}. Replay lag is measured against the monitor's
 * samples of the primary's position ({@link PrimaryPositions}), so an idle primary leaves
 * a caught-up replica at lag zero.
 * <p>
 * When a replica leaves rotation because it is {@code DOWN} or {@code NOT_A_REPLICA}, its
 * connections in use are aborted and its idle ones evicted; every transition is logged
 * once, with its reason, and counted as a failover.
 */
public final class ReplicaMonitor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReplicaMonitor.class);

	private static final String REPLICA_PROBE = "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), "
			+ "receiver.pid, receiver.status FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS receiver ON true";

	private static final String PRIMARY_PROBE = "SELECT pg_is_in_recovery(), "
			+ "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END";

	private final NamedPools pools;

	private final ReplicaStates states;

	private final MonitorSettings settings;

	private final FailoverEvents events;

	private final Clock clock;

	private final LongSupplier nanoClock;

	private final PrimaryPositions primaryPositions;

	private final List<ReplicaTracker> trackers = new ArrayList<>();

	private final List<ProbeConnection> connections = new ArrayList<>();

	private final ScheduledExecutorService scheduler;

	private volatile boolean closed;

	// Whether the identity was read on the monitor's current connection to the primary:
	// a new connection may reach a new primary (multi-host URL), on a new timeline.
	private boolean primaryIdentified;

	/**
	 * Create a monitor; {@link #start()} starts the checks.
	 * @param pools the pools whose replicas and primary are watched
	 * @param states where the states are kept
	 * @param settings intervals, timeouts and limits
	 * @param events told of every transition out of rotation
	 */
	public ReplicaMonitor(NamedPools pools, ReplicaStates states, MonitorSettings settings, FailoverEvents events) {
		this(pools, states, settings, events, Clock.systemUTC(), System::nanoTime);
	}

	ReplicaMonitor(NamedPools pools, ReplicaStates states, MonitorSettings settings, FailoverEvents events, Clock clock,
			LongSupplier nanoClock) {
		this.pools = pools;
		this.states = states;
		this.settings = settings;
		this.events = events;
		this.clock = clock;
		this.nanoClock = nanoClock;
		long historyNanos = settings.maxReplicationLag().toNanos() * 2;
		int capacity = (int) Math.min(4096, Math.max(16, historyNanos / settings.checkInterval().toNanos() + 4));
		this.primaryPositions = new PrimaryPositions(capacity);
		for (NamedPool replica : pools.replicas()) {
			this.trackers.add(new ReplicaTracker(replica, settings, states.status(replica)));
		}
		AtomicInteger threads = new AtomicInteger();
		this.scheduler = Executors.newScheduledThreadPool(pools.replicas().size() + 1, (task) -> {
			Thread thread = new Thread(task, "routing-pools-monitor-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Start checking: the primary and every replica at once, then every check interval.
	 */
	public void start() {
		long interval = this.settings.checkInterval().toNanos();
		ProbeConnection primary = new ProbeConnection(this.pools.primary(), this.settings.probeTimeout());
		this.connections.add(primary);
		this.scheduler.scheduleWithFixedDelay(() -> checkPrimary(primary), 0, interval, TimeUnit.NANOSECONDS);
		for (ReplicaTracker tracker : this.trackers) {
			ProbeConnection connection = new ProbeConnection(tracker.replica(), this.settings.probeTimeout());
			this.connections.add(connection);
			this.scheduler.scheduleWithFixedDelay(() -> checkReplica(tracker, connection), 0, interval,
					TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Take a replica out of rotation until {@link #undrain(NamedPool)}: new read-only
	 * work goes elsewhere, work in progress finishes.
	 * @param replica the replica's pool
	 * @return its status after
	 */
	public ReplicaStatus drain(NamedPool replica) {
		Transition transition = apply(tracker(replica), (tracker) -> tracker.drain(this.clock.instant()));
		if (transition.previous().state() != ReplicaState.DRAINED) {
			logger.info("Replica pool '" + replica.name() + "' is drained by an operator (was "
					+ transition.previous().state().tagValue()
					+ "); read-only work goes elsewhere until it is undrained");
		}
		return transition.status();
	}

	/**
	 * Give a drained replica back to the checks.
	 * @param replica the replica's pool
	 * @return its status after
	 */
	public ReplicaStatus undrain(NamedPool replica) {
		Transition transition = apply(tracker(replica), (tracker) -> tracker.undrain(this.clock.instant()));
		ReplicaStatus status = transition.status();
		if (transition.previous().state() == ReplicaState.DRAINED) {
			logger.info("Replica pool '" + replica.name() + "' is undrained: " + status.state().tagValue() + " ("
					+ status.reason() + ")");
		}
		return status;
	}

	/**
	 * Move a replica's tracker one step and publish its status, under one lock with every
	 * other step, so that the states never show an older status than the tracker's.
	 */
	private Transition apply(ReplicaTracker tracker, Function<ReplicaTracker, ReplicaStatus> step) {
		NamedPool replica = tracker.replica();
		synchronized (tracker) {
			ReplicaStatus previous = this.states.status(replica);
			ReplicaStatus status = step.apply(tracker);
			this.states.set(replica, status);
			return new Transition(previous, status);
		}
	}

	private ReplicaTracker tracker(NamedPool replica) {
		for (ReplicaTracker tracker : this.trackers) {
			if (tracker.replica() == replica) {
				return tracker;
			}
		}
		throw new IllegalArgumentException(
				"Pool '" + replica.name() + "' is not a replica; the replicas are " + this.pools.replicas());
	}

	private void checkPrimary(ProbeConnection connection) {
		if (this.closed) {
			return;
		}
		PrimaryStatus previous = this.states.primary();
		PrimaryStatus status;
		try {
			status = probePrimary(connection);
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			this.primaryIdentified = false;
			this.primaryPositions.clear();
			status = new PrimaryStatus(false, describe(ex), this.clock.instant(), null);
		}
		this.states.setPrimary(status);
		if (!Objects.equals(status.reachable(), previous.reachable())) {
			if (Boolean.TRUE.equals(status.reachable())) {
				logger.info("Primary pool '" + this.pools.primary().name() + "' is reachable: " + status.reason());
			}
			else {
				logger.warn("Primary pool '" + this.pools.primary().name() + "' is not reachable: " + status.reason());
			}
		}
	}

	private PrimaryStatus probePrimary(ProbeConnection probe) throws SQLException {
		Connection connection = probe.get();
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery(PRIMARY_PROBE)) {
			row.next();
			long sampledAt = this.nanoClock.getAsLong();
			if (row.getBoolean(1)) {
				// A demoted primary, or a multi-host URL that reached a standby: look for
				// the primary again next time.
				probe.close();
				this.primaryIdentified = false;
				this.primaryPositions.clear();
				return new PrimaryStatus(false, "the node is in recovery (pg_is_in_recovery()): not a primary",
						this.clock.instant(), null);
			}
			String lsn = row.getString(2);
			long position = WalPositions.parse(lsn);
			this.primaryPositions.sample(position, sampledAt);
			this.states.sampledPrimary(position, this.clock.millis());
			if (!this.primaryIdentified) {
				this.states.identify(ClusterIdentity.read(connection));
				this.primaryIdentified = true;
			}
			return new PrimaryStatus(true, "reachable, not in recovery", this.clock.instant(), lsn);
		}
	}

	private void checkReplica(ReplicaTracker tracker, ProbeConnection connection) {
		if (this.closed) {
			return;
		}
		NamedPool replica = tracker.replica();
		Observation observation;
		try {
			observation = probeReplica(connection);
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			observation = Observation.down(describe(ex));
		}
		if (observation.caughtUp() && !this.states.servesReads(replica) && !canLend(replica)) {
			observation = observation.notReadyToLend("its pool has no connection yet (HikariCP retries at growing "
					+ "intervals after failures); it returns once the pool has connected again");
		}
		String replayLsn = observation.replayLsn();
		if (replayLsn != null) {
			this.states.replayed(replica, WalPositions.parse(replayLsn));
		}
		Observation observed = observation;
		Transition transition = apply(tracker, (current) -> current.observe(observed, this.clock.instant()));
		ReplicaStatus previous = transition.previous();
		ReplicaStatus status = transition.status();
		if (status.state() != previous.state()) {
			transitioned(replica, previous, status);
		}
		else if (previous.checkedAt() == null) {
			logger.info("Replica pool '" + replica.name() + "' is " + status.state().tagValue()
					+ " at its first check: " + status.reason());
		}
	}

	/**
	 * Whether a replica's pool can lend a connection without first waiting out HikariCP's
	 * retry interval: it holds a connection, or it keeps none idle (so it connects when
	 * asked). After a replica was down, a pool with a minimum idle count retries at
	 * growing intervals (up to seconds); routing reads to it before it has connected
	 * would make each of them wait its whole connection timeout.
	 */
	private static boolean canLend(NamedPool replica) {
		return replica.dataSource().getMinimumIdle() == 0
				|| replica.dataSource().getHikariPoolMXBean().getTotalConnections() > 0;
	}

	private Observation probeReplica(ProbeConnection probe) throws SQLException {
		Connection connection = probe.get();
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery(REPLICA_PROBE)) {
			row.next();
			long now = this.nanoClock.getAsLong();
			boolean inRecovery = row.getBoolean(1);
			String replayLsn = row.getString(2);
			Boolean streaming = (row.getObject(3) == null) ? Boolean.FALSE
					: (row.getString(4) != null) ? "streaming".equals(row.getString(4)) : null;
			if (!inRecovery) {
				return new Observation(ReplicaState.NOT_A_REPLICA,
						"not in recovery (pg_is_in_recovery() is false): it was promoted", false, null, null, null,
						null);
			}
			if (replayLsn == null) {
				return new Observation(ReplicaState.LAGGING, "in recovery but has replayed no WAL yet", false, null,
						null, null, streaming);
			}
			return judgeLag(replayLsn, streaming, now);
		}
	}

	private Observation judgeLag(String replayLsn, @Nullable Boolean streaming, long nowNanos) {
		long maxSampleAge = this.settings.checkInterval().toNanos() * 3 + this.settings.probeTimeout().toNanos();
		PrimaryPositions.Lag lag = this.primaryPositions.lagOf(WalPositions.parse(replayLsn), nowNanos, maxSampleAge);
		if (lag == null) {
			return new Observation(ReplicaState.UP,
					"in recovery; replay lag unknown: the primary's WAL position is not known", true, replayLsn, null,
					null, streaming);
		}
		Duration lagTime = Duration.ofNanos(lag.nanos());
		long maxBytes = this.settings.maxReplicationLagBytes();
		Duration maxLag = this.settings.maxReplicationLag();
		String figures = "replay lag " + lagTime.toMillis() + " ms, " + lag.bytes() + " bytes";
		if (lag.bytes() > maxBytes || lagTime.compareTo(maxLag) > 0) {
			return new Observation(
					ReplicaState.LAGGING, figures + ": over max-replication-lag (" + maxLag.toMillis()
							+ " ms) or max-replication-lag-bytes (" + maxBytes + " bytes)",
					false, replayLsn, lag.bytes(), lagTime, streaming);
		}
		int share = MonitorSettings.CAUGHT_UP_SHARE_OF_LIMIT_PERCENT;
		boolean caughtUp = lag.bytes() * 100 <= maxBytes * share && lag.nanos() * 100 <= maxLag.toNanos() * share;
		String streamingNote = Boolean.FALSE.equals(streaming) ? "; WAL receiver not streaming" : "";
		return new Observation(ReplicaState.UP, figures + streamingNote, caughtUp, replayLsn, lag.bytes(), lagTime,
				streaming);
	}

	private void transitioned(NamedPool replica, ReplicaStatus previous, ReplicaStatus status) {
		String was = (previous.checkedAt() != null) ? previous.state().tagValue() : "not checked yet";
		String what = "Replica pool '" + replica.name() + "' is " + status.state().tagValue() + " (was " + was + "): "
				+ status.reason();
		switch (status.state()) {
			case UP -> logger.info(what + "; back in rotation");
			case LAGGING -> {
				logger.warn(what + "; out of rotation until caught up");
				this.events.failover(replica, FailoverCause.LAGGING);
			}
			case DOWN -> {
				int aborted = replica.abortAndEvict(Runnable::run);
				logger
					.warn(what + "; out of rotation (connections in use aborted: " + aborted + "; idle ones evicted)");
				this.events.failover(replica, FailoverCause.DOWN);
			}
			case NOT_A_REPLICA -> {
				int aborted = replica.abortAndEvict(Runnable::run);
				logger.error(what + ". It no longer replicates from the primary and may accept writes: remove it from "
						+ "routing-pools.replicas or rebuild it as a standby. Out of rotation (connections in use aborted: "
						+ aborted + "; idle ones evicted)");
				this.events.failover(replica, FailoverCause.NOT_A_REPLICA);
			}
			case DRAINED -> {
				// Logged by drain().
			}
		}
	}

	private String describe(Exception ex) {
		if (ex instanceof SQLException sqlException && ProbeConnection.isTimeout(sqlException)) {
			return "probe took longer than probe-timeout (" + this.settings.probeTimeout().toMillis() + " ms)";
		}
		String state = (ex instanceof SQLException sqlException) ? sqlException.getSQLState() : null;
		return "probe failed: " + ex.getMessage() + ((state != null) ? " (SQLSTATE " + state + ")" : "");
	}

	/** A replica's status before and after one step of its tracker. */
	private record Transition(ReplicaStatus previous, ReplicaStatus status) {
	}

	/**
	 * Stop checking and close the monitor's connections.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.scheduler.shutdownNow();
		try {
			// A check in progress ends within the probe timeout, or the connect bound.
			this.scheduler.awaitTermination(ProbeConnection.MAX_CONNECT_TIME.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.connections.forEach(ProbeConnection::close);
	}

}
