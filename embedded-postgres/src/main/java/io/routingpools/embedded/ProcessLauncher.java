package io.routingpools.embedded;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the PostgreSQL programs. PostgreSQL refuses to run as root, so when the JVM runs
 * as root the programs run as user {@code nobody} (through {@code setpriv}), and the
 * directories they write must be given to that user. Where {@code setpriv} (util-linux
 * 2.33+) exists the programs also receive SIGKILL when the JVM dies, so that even a
 * killed JVM leaves no server behind.
 */
final class ProcessLauncher {

	private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);

	private static final int TAIL_LINES = 30;

	private static @Nullable ProcessLauncher instance;

	private final List<String> prefix;

	/** The user the servers run as when the JVM runs as root, otherwise {@code null}. */
	private final @Nullable ServerUser serverUser;

	/*
	 * The parent-death signal fires when the thread that started the process ends, so
	 * every process is started from this one thread, which lives as long as the JVM.
	 */
	private final ExecutorService launchThread = Executors.newSingleThreadExecutor(task -> {
		Thread thread = new Thread(task, "embedded-postgres-launcher");
		thread.setDaemon(true);
		return thread;
	});

	private record ServerUser(int uid, int gid) {
	}

	private ProcessLauncher(List<String> prefix, @Nullable ServerUser serverUser) {
		this.prefix = prefix;
		this.serverUser = serverUser;
	}

	static synchronized ProcessLauncher get() throws IOException, InterruptedException {
		if (instance == null) {
			instance = create();
		}
		return instance;
	}

	private static ProcessLauncher create() throws IOException, InterruptedException {
		Optional<String> setpriv = findOnPath("setpriv");
		boolean root = ProcessHandle.current().info().user().map("root"::equals).orElse(false);
		if (root && setpriv.isEmpty()) {
			throw new IllegalStateException("The JVM runs as root, which PostgreSQL refuses, and setpriv (util-linux)"
					+ " was not found on the PATH to run it as user nobody");
		}
		List<String> prefix = new ArrayList<>();
		ServerUser serverUser = null;
		if (root) {
			serverUser = nobody();
			log.info("The JVM runs as root, so PostgreSQL runs as user nobody ({})", serverUser);
			prefix.addAll(List.of(setpriv.get(), "--reuid=" + serverUser.uid(), "--regid=" + serverUser.gid(),
					"--clear-groups"));
		}
		if (setpriv.isPresent() && hasParentDeathSignal(setpriv.get())) {
			if (prefix.isEmpty()) {
				prefix.add(setpriv.get());
			}
			prefix.addAll(List.of("--pdeathsig", "KILL"));
		}
		return new ProcessLauncher(List.copyOf(prefix), serverUser);
	}

	/** setpriv has --pdeathsig since util-linux 2.33. */
	private static boolean hasParentDeathSignal(String setpriv) throws IOException, InterruptedException {
		Process help = new ProcessBuilder(setpriv, "--help").redirectErrorStream(true).start();
		String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		help.waitFor();
		return text.contains("--pdeathsig");
	}

	/** Starts a program with its output appended to {@code logFile}. */
	Process start(List<String> command, Path logFile) throws IOException {
		List<String> full = new ArrayList<>(prefix);
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
			.redirectOutput(Redirect.appendTo(logFile.toFile()));
		builder.environment().put("LC_ALL", "C");
		Future<Process> started = launchThread.submit(builder::start);
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return started.get(); // takes milliseconds; waiting out an interrupt
											// avoids losing the process
				}
				catch (InterruptedException e) {
					interrupted = true;
				}
				catch (ExecutionException e) {
					throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Runs a program to completion; fails with the end of its log unless it exits with 0.
	 */
	void run(List<String> command, Path logFile, Duration timeout) throws IOException, InterruptedException {
		Process process = start(command, logFile);
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly().waitFor();
			throw new IOException(command.get(0) + " did not finish within " + timeout + ":\n" + tail(logFile));
		}
		if (process.exitValue() != 0) {
			throw new IOException(
					command.get(0) + " failed with exit code " + process.exitValue() + ":\n" + tail(logFile));
		}
	}

	/**
	 * Makes the server user the owner of {@code path} (nothing to do unless the JVM runs
	 * as root).
	 */
	void giveToServerUser(Path path) throws IOException {
		if (serverUser != null) {
			Files.setAttribute(path, "unix:uid", serverUser.uid(), LinkOption.NOFOLLOW_LINKS);
			Files.setAttribute(path, "unix:gid", serverUser.gid(), LinkOption.NOFOLLOW_LINKS);
		}
	}

	/** The last lines of a log file, for error messages. */
	static String tail(Path logFile) {
		try {
			List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
		}
		catch (IOException e) {
			return "(log " + logFile + " not readable: " + e + ")";
		}
	}

	private static Optional<String> findOnPath(String program) {
		String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/bin";
		return Stream.of(path.split(File.pathSeparator))
			.filter(dir -> !dir.isEmpty())
			.map(dir -> Path.of(dir, program))
			.filter(Files::isExecutable)
			.map(Path::toString)
			.findFirst();
	}

	/** User nobody from /etc/passwd, or uid and gid 65534 where it is not listed. */
	private static ServerUser nobody() throws IOException {
		try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
			return lines.map(line -> line.split(":"))
				.filter(fields -> fields.length > 3 && fields[0].equals("nobody"))
				.map(fields -> new ServerUser(Integer.parseInt(fields[2]), Integer.parseInt(fields[3])))
				.findFirst()
				.orElse(new ServerUser(65534, 65534));
		}
	}

}
