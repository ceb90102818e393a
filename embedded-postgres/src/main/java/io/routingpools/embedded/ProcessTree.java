package io.routingpools.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Sends signals to a postmaster and to every process it started. Stopping only the
 * postmaster would leave its backends serving, and killing only the postmaster would
 * leave them running until they notice.
 */
final class ProcessTree {

	private ProcessTree() {
	}

	/**
	 * SIGSTOP to the postmaster first (so that it starts nothing new), then to everything
	 * it started.
	 */
	static void suspend(ProcessHandle postmaster) throws IOException, InterruptedException {
		signal("STOP", List.of(postmaster));
		signal("STOP", postmaster.descendants().collect(Collectors.toList()));
	}

	/** SIGCONT to everything {@link #suspend} stopped. */
	static void resume(ProcessHandle postmaster) throws IOException, InterruptedException {
		List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().collect(Collectors.toList()));
		all.add(postmaster);
		signal("CONT", all);
	}

	/**
	 * SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to
	 * disconnect).
	 */
	static void interrupt(ProcessHandle postmaster) throws IOException, InterruptedException {
		signal("INT", List.of(postmaster));
	}

	/**
	 * SIGKILL to every process of the server; returns when the postmaster has reaped them
	 * all and exited.
	 * <p>
	 * The children are killed while the postmaster is stopped, then the postmaster is let
	 * go: it reaps them and, because the servers run with
	 * {@code restart_after_crash=off}, exits without starting anything new. Killing the
	 * postmaster first would orphan its children, which linger as zombies wherever the
	 * init process reaps orphans late or never (as in many containers).
	 */
	static void kill(Process postmaster, Duration timeout) throws IOException, InterruptedException {
		ProcessHandle handle = postmaster.toHandle();
		signal("STOP", List.of(handle));
		List<ProcessHandle> children = handle.descendants().collect(Collectors.toList());
		children.forEach(ProcessHandle::destroyForcibly);
		signal("CONT", List.of(handle));
		if (!postmaster.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			postmaster.destroyForcibly().waitFor();
		}
	}

	private static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
		if (processes.isEmpty()) {
			return;
		}
		// The shell's kill builtin: a kill program is not installed everywhere.
		List<String> command = new ArrayList<>(List.of("sh", "-c", "kill -s " + signal + " \"$@\"", "sh"));
		processes.forEach(process -> command.add(Long.toString(process.pid())));
		// A process that exited meanwhile makes kill fail; that is fine, every other one
		// still got the signal.
		new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start()
			.waitFor();
	}

}
