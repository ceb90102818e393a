package io.routingpools.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the data directories: the primary's with {@code initdb}, each replica's as a
 * copy of the primary's before it first starts, marked as a standby. A copy of a cleanly
 * stopped primary needs no base backup.
 */
final class DataDirectories {

	private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * postgresql.conf settings of every node: streaming replication, and speed over
	 * durability.
	 */
	private static final Map<String, String> SETTINGS = settings("listen_addresses", "127.0.0.1", "max_connections",
			"100", "shared_buffers", "32MB", "wal_level", "replica", "max_wal_senders", "10",
			// Enough WAL for a killed or paused replica to catch up later, without
			// replication slots.
			"wal_keep_size", "512MB", "hot_standby", "on", "hot_standby_feedback", "on", "wal_receiver_status_interval",
			"1s",
			// Replicas reconnect quickly after their primary restarts.
			"wal_retrieve_retry_interval", "200ms", "fsync", "off", "full_page_writes", "off", "wal_writer_delay",
			"10ms", "jit", "off");

	private static final String PG_HBA = """
			# routing-pools embedded cluster: passwords for clients, trust for replication on loopback
			local   all           all                   scram-sha-256
			host    all           all    127.0.0.1/32   scram-sha-256
			host    replication   all    127.0.0.1/32   trust
			""";

	private DataDirectories() {
	}

	/** Runs initdb for the primary and writes the configuration every node shares. */
	static void initializePrimary(PostgresBinaries binaries, Path dataDirectory, Path logFile, String superuser,
			String password, Map<String, String> extraSettings) throws IOException, InterruptedException {
		ProcessLauncher launcher = ProcessLauncher.get();
		Files.createDirectory(dataDirectory,
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		launcher.giveToServerUser(dataDirectory);
		Path passwordFile = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".pw");
		Files.createFile(passwordFile,
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		try {
			Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
			launcher.giveToServerUser(passwordFile);
			launcher.run(List.of(binaries.program("initdb").toString(), "-D", dataDirectory.toString(), "-U", superuser,
					"--pwfile=" + passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--wal-segsize=1",
					"--no-sync", "--no-instructions"), logFile, INITDB_TIMEOUT);
		}
		finally {
			Files.deleteIfExists(passwordFile);
		}
		// Existing files keep their owner when rewritten.
		Files.writeString(dataDirectory.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.UTF_8,
				StandardOpenOption.TRUNCATE_EXISTING);
		Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
		settings.putAll(extraSettings);
		StringBuilder conf = new StringBuilder("\n# routing-pools embedded cluster\n");
		settings
			.forEach((name, value) -> conf.append(name).append(" = '").append(value.replace("'", "''")).append("'\n"));
		Files.writeString(dataDirectory.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
				StandardOpenOption.APPEND);
	}

	/** Copies the stopped primary's data directory and marks the copy as a standby. */
	static void copyAsReplica(Path primaryDirectory, Path replicaDirectory) throws IOException {
		FileTrees.copy(primaryDirectory, replicaDirectory);
		Path signal = Files.createFile(replicaDirectory.resolve("standby.signal"));
		FileTrees.setOwnerLike(signal, replicaDirectory);
	}

	private static Map<String, String> settings(String... namesAndValues) {
		Map<String, String> settings = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			settings.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return settings;
	}

}
