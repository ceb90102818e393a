package io.routingpools.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server of an {@link EmbeddedPostgresCluster}: where to reach it, a
 * superuser connection, and the fault helpers with which tests simulate a crash, a hung
 * server, replication lag, a restart or a fail-over.
 * <p>
 * The port never changes, so connection settings stay valid across {@link #kill()},
 * {@link #start()} and {@link #restart()}. The server's cluster_name setting is the
 * node's {@link #name()}, so {@code SELECT current_setting('cluster_name')} tells which
 * node served a query. Thread-safe.
 */
public final class PostgresNode {

	private static final Logger log = LoggerFactory.getLogger(PostgresNode.class);

	/** The database that always exists, for the node's own queries. */
	static final String MAINTENANCE_DATABASE = "postgres";

	private static final String HOST = "127.0.0.1";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String CONNECT_TIMEOUT_SECONDS = "5";

	private static final String SOCKET_TIMEOUT_SECONDS = "10";

	private static final int PORT_ATTEMPTS = 5;

	private static final Driver DRIVER = new org.postgresql.Driver();

	private final EmbeddedPostgresCluster cluster;

	private final String name;

	private final boolean replicaAtStart;

	private final Path dataDirectory;

	private final Path logFile;

	private volatile int port;

	/**
	 * The running server, or {@code null}. Guarded by {@code this}, like the fields
	 * below.
	 */
	private @Nullable Process postmaster;

	/** Where the log output of the latest launch starts. */
	private long launchLogOffset;

	private boolean suspended;

	private @Nullable FaultProxy proxy;

	PostgresNode(EmbeddedPostgresCluster cluster, String name, boolean replicaAtStart, Path dataDirectory,
			Path logFile) {
		this.cluster = cluster;
		this.name = name;
		this.replicaAtStart = replicaAtStart;
		this.dataDirectory = dataDirectory;
		this.logFile = logFile;
	}

	/** {@code "primary"} or {@code "replica-1"}, {@code "replica-2"}, ... */
	public String name() {
		return name;
	}

	/**
	 * Whether the node was created as a streaming replica; stays {@code true} after
	 * {@link #promote()}.
	 */
	public boolean isReplicaAtStart() {
		return replicaAtStart;
	}

	public String host() {
		return HOST;
	}

	public int port() {
		return port;
	}

	/** {@code jdbc:postgresql://127.0.0.1:<port>/<database>} */
	public String jdbcUrl() {
		return url(cluster.database());
	}

	/**
	 * This node's {@link FaultProxy}, a TCP proxy on a loopback port of its own that can
	 * delay, black-hole or reset the connections made through it: clients that use
	 * {@link FaultProxy#jdbcUrl()} instead of {@link #jdbcUrl()} can be cut off the node
	 * while it keeps running. Started on the first call (again after it was closed), in
	 * {@link FaultProxy.Mode#PASS pass} mode; later calls return the same proxy, which
	 * keeps its port across restarts of the node. The cluster's {@code close()} closes
	 * it.
	 * @throws IllegalStateException if the cluster is closed
	 */
	public synchronized FaultProxy proxy() {
		if (cluster.isClosed()) {
			throw new IllegalStateException("Cannot start a fault proxy for " + name + ": the cluster is closed");
		}
		FaultProxy current = proxy;
		if (current == null || current.isClosed()) {
			current = FaultProxy.start(this);
			proxy = current;
		}
		return current;
	}

	/**
	 * A new superuser connection to the cluster's database, with a connect timeout of 5 s
	 * and a socket timeout of 10 s so that a test against a killed or suspended node
	 * fails instead of hanging.
	 */
	public Connection connect() throws SQLException {
		return connect(cluster.database());
	}

	/** Whether the server is up, including while {@link #suspend() suspended}. */
	public synchronized boolean isRunning() {
		return postmaster != null && postmaster.isAlive();
	}

	/**
	 * Crashes the server: every server process dies by SIGKILL; returns when all are
	 * gone. Clients see their connections drop and new connections refused; the next
	 * {@link #start()} runs crash recovery. Does nothing if the node is not running.
	 */
	public synchronized void kill() {
		if (isRunning()) {
			Unchecked.run("kill " + name, () -> ProcessTree.kill(launched(), TIMEOUT));
			log.debug("Killed {}", this);
		}
		postmaster = null;
		suspended = false;
	}

	/**
	 * Freezes the server with SIGSTOP to the postmaster and all its processes:
	 * connections stay open but nothing answers, as with a hung server or a network
	 * partition.
	 * @throws IllegalStateException if the node is not running
	 */
	public synchronized void suspend() {
		Process running = requireRunning();
		if (!suspended) {
			Unchecked.run("suspend " + name, () -> ProcessTree.suspend(running.toHandle()));
			suspended = true;
		}
	}

	/**
	 * Undoes {@link #suspend()} with SIGCONT; does nothing if the node is not suspended.
	 */
	public synchronized void resume() {
		if (suspended && isRunning()) {
			Unchecked.run("resume " + name, () -> ProcessTree.resume(launched().toHandle()));
		}
		suspended = false;
	}

	/**
	 * Pauses WAL replay ({@code pg_wal_replay_pause()}) so that this replica falls behind
	 * the primary on demand; returns once replay has paused.
	 * @throws IllegalStateException if the node is not a replica in recovery
	 */
	public void pauseReplay() {
		requireReplica("pause replay");
		Unchecked.run("pause replay on " + name, () -> {
			try (Connection connection = connect(MAINTENANCE_DATABASE)) {
				requireInRecovery(connection);
				query(connection, "SELECT pg_wal_replay_pause()");
				Polling.until(TIMEOUT,
						() -> "paused".equals(query(connection, "SELECT pg_get_wal_replay_pause_state()")),
						() -> name + " did not pause replay within " + TIMEOUT);
			}
		});
	}

	/**
	 * Resumes WAL replay ({@code pg_wal_replay_resume()}).
	 * @throws IllegalStateException if the node is not a replica in recovery
	 */
	public void resumeReplay() {
		requireReplica("resume replay");
		Unchecked.run("resume replay on " + name, () -> {
			try (Connection connection = connect(MAINTENANCE_DATABASE)) {
				requireInRecovery(connection);
				query(connection, "SELECT pg_wal_replay_resume()");
			}
		});
	}

	/**
	 * Promotes this replica to a primary ({@code pg_promote}); returns once it accepts
	 * writes. The other replicas keep following the original primary.
	 * @throws IllegalStateException if the node is not a replica in recovery
	 */
	public void promote() {
		requireReplica("promote");
		Unchecked.run("promote " + name, () -> {
			try (Connection connection = connect(MAINTENANCE_DATABASE)) {
				requireInRecovery(connection);
				if (!isTrue(connection, "SELECT pg_promote(true, " + TIMEOUT.toSeconds() + ")")) {
					throw new IllegalStateException(
							name + " was not promoted within " + TIMEOUT + ":\n" + ProcessLauncher.tail(logFile));
				}
			}
		});
		log.info("Promoted {}", this);
	}

	/**
	 * Stops the server if it is running (fast shutdown: sessions are disconnected,
	 * nothing is lost) and starts it again on the same port; returns when it accepts
	 * connections and, if it is a replica, streams again.
	 */
	public synchronized void restart() {
		Unchecked.run("restart " + name, () -> {
			if (isRunning()) {
				stop();
			}
			startOnSamePort();
		});
	}

	/**
	 * Starts a killed or stopped node on its port; returns when it accepts connections
	 * and, if it is a replica whose primary runs, streams again.
	 * @throws IllegalStateException if the node is running
	 */
	public synchronized void start() {
		if (isRunning()) {
			throw new IllegalStateException(name + " is already running");
		}
		Unchecked.run("start " + name, this::startOnSamePort);
	}

	@Override
	public String toString() {
		return name + " (" + HOST + ":" + port + ")";
	}

	// ---- used by the cluster and the tests

	/**
	 * Starts the server for the first time on a free port (trying another one if that
	 * port gets taken).
	 */
	synchronized void launchOnFreePort() throws IOException, InterruptedException {
		port = freePort();
		launch();
	}

	/**
	 * Completes {@link #launchOnFreePort()}: waits until the server accepts connections
	 * and, if a replica, streams.
	 */
	synchronized void awaitFirstStart() throws Exception {
		for (int attempt = 1; !awaitReady(); attempt++) {
			if (attempt == PORT_ATTEMPTS) {
				throw new IllegalStateException(name + " found no free port in " + PORT_ATTEMPTS + " attempts:\n"
						+ ProcessLauncher.tail(logFile));
			}
			log.debug("Port {} of {} was taken, trying another one", port, name);
			launchOnFreePort();
		}
		if (replicaAtStart) {
			awaitStreaming();
		}
	}

	/**
	 * Waits until this replica has replayed {@code lsn}; returns at once unless it is a
	 * running, unpaused replica.
	 */
	void awaitReplayed(String lsn) throws Exception {
		synchronized (this) {
			if (!replicaAtStart || !isRunning() || suspended) {
				return;
			}
		}
		try (Connection connection = connect(MAINTENANCE_DATABASE);
				PreparedStatement replayed = connection.prepareStatement("SELECT pg_is_in_recovery()"
						+ " AND pg_get_wal_replay_pause_state() = 'not paused', pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
			replayed.setString(1, lsn);
			Polling.until(TIMEOUT, () -> {
				try (ResultSet row = replayed.executeQuery()) {
					row.next();
					boolean replaying = row.getBoolean(1);
					return !replaying || row.getBoolean(2);
				}
			}, () -> name + " did not replay the primary's WAL up to " + lsn + " within " + TIMEOUT);
		}
	}

	Connection connect(String database) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", cluster.username());
		properties.setProperty("password", cluster.password());
		properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
		properties.setProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
		properties.setProperty("sslmode", "disable"); // the servers have no TLS; saves
														// asking
		return DRIVER.connect(url(database), properties);
	}

	/** Closes the {@link #proxy()}, if started. */
	synchronized void closeProxy() {
		FaultProxy current = proxy;
		if (current != null) {
			current.close();
		}
	}

	/** The node's URL with another port, that of its {@link FaultProxy}. */
	String jdbcUrl(int port) {
		return url(port, cluster.database());
	}

	synchronized Optional<ProcessHandle> postmaster() {
		return Optional.ofNullable(postmaster).map(Process::toHandle);
	}

	// ---- internals

	private String url(String database) {
		return url(port, database);
	}

	private static String url(int port, String database) {
		return "jdbc:postgresql://" + HOST + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
	}

	private void launch() throws IOException, InterruptedException {
		launchLogOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
		List<String> command = new ArrayList<>(List.of(PostgresBinaries.get().program("postgres").toString(), "-D",
				dataDirectory.toString(), "-p", Integer.toString(port), "-c", "cluster_name=" + name, "-c",
				"unix_socket_directories=" + dataDirectory,
				// After a kill the postmaster reaps its killed children and exits instead
				// of restarting them.
				"-c", "restart_after_crash=off"));
		if (replicaAtStart) {
			command.addAll(List.of("-c", "primary_conninfo=host=" + HOST + " port=" + cluster.primary().port()
					+ " user=" + cluster.username() + " application_name=" + name));
		}
		postmaster = ProcessLauncher.get().start(command, logFile);
	}

	private void startOnSamePort() throws Exception {
		launch();
		if (!awaitReady()) {
			throw new IllegalStateException(
					name + " could not listen on its port " + port + " any more:\n" + ProcessLauncher.tail(logFile));
		}
		if (Files.exists(dataDirectory.resolve("standby.signal")) && cluster.primary().isRunning()) {
			awaitStreaming();
		}
		log.debug("Started {}", this);
	}

	/** Fast shutdown; falls back to {@link #kill()} if that takes too long. */
	private void stop() throws Exception {
		Process running = launched();
		if (suspended) {
			ProcessTree.resume(running.toHandle());
			suspended = false;
		}
		ProcessTree.interrupt(running.toHandle());
		if (!running.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			log.warn("{} did not shut down within {}, killing it", this, TIMEOUT);
			ProcessTree.kill(running, TIMEOUT);
		}
		postmaster = null;
	}

	/**
	 * Waits until the postmaster reports in postmaster.pid that it accepts connections.
	 * @return {@code false} if it exited because its port was taken
	 */
	private boolean awaitReady() throws Exception {
		Process launched = launched();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!readyInPidFile(launched)) {
			if (launched.waitFor(10, TimeUnit.MILLISECONDS)) {
				if (logSinceLaunch().contains("Address already in use")) {
					return false;
				}
				throw new IllegalStateException(name + " exited with code " + launched.exitValue()
						+ " while starting:\n" + ProcessLauncher.tail(logFile));
			}
			if (System.nanoTime() - deadline > 0) {
				ProcessTree.kill(launched, TIMEOUT);
				throw new IllegalStateException(
						name + " did not accept connections within " + TIMEOUT + ":\n" + ProcessLauncher.tail(logFile));
			}
		}
		return true;
	}

	/**
	 * Line 1 of postmaster.pid is the PID, line 8 the status, "ready" once connections
	 * are accepted.
	 */
	private boolean readyInPidFile(Process launched) throws IOException {
		List<String> lines;
		try {
			lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
		}
		catch (NoSuchFileException e) {
			return false;
		}
		return lines.size() >= 8 && lines.get(0).trim().equals(Long.toString(launched.pid()))
				&& lines.get(7).trim().equals("ready");
	}

	private String logSinceLaunch() throws IOException {
		byte[] all = Files.readAllBytes(logFile);
		int from = (int) Math.min(launchLogOffset, all.length);
		return new String(all, from, all.length - from, StandardCharsets.UTF_8);
	}

	private void awaitStreaming() throws Exception {
		try (Connection connection = connect(MAINTENANCE_DATABASE)) {
			Polling.until(TIMEOUT,
					() -> "streaming".equals(query(connection, "SELECT status FROM pg_stat_wal_receiver")),
					() -> name + " did not stream from the primary within " + TIMEOUT + ":\n"
							+ ProcessLauncher.tail(logFile));
		}
	}

	private Process requireRunning() {
		if (!isRunning()) {
			throw new IllegalStateException(name + " is not running");
		}
		return launched();
	}

	/** The server process of the latest launch, until it is killed or stopped. */
	private Process launched() {
		Process launched = postmaster;
		if (launched == null) {
			throw new IllegalStateException(name + " has not been launched");
		}
		return launched;
	}

	private void requireReplica(String action) {
		if (!replicaAtStart) {
			throw new IllegalStateException("Cannot " + action + " on " + name + ": it is not a replica");
		}
	}

	private void requireInRecovery(Connection connection) throws SQLException {
		if (!isTrue(connection, "SELECT pg_is_in_recovery()")) {
			throw new IllegalStateException(name + " is not a replica any more: it was promoted");
		}
	}

	/** The first column of the first row as text, or {@code null} without rows. */
	private static @Nullable String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			return row.next() ? row.getString(1) : null;
		}
	}

	private static boolean isTrue(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			return row.next() && row.getBoolean(1);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

}
