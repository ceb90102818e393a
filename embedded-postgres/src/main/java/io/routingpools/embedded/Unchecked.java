package io.routingpools.embedded;

import java.util.concurrent.Callable;

/**
 * Runs an action of the public API, whose methods declare no checked exceptions: checked
 * failures become an {@link IllegalStateException} that says what failed.
 */
final class Unchecked {

	interface Action {

		void run() throws Exception;

	}

	private Unchecked() {
	}

	static void run(String what, Action action) {
		get(what, () -> {
			action.run();
			return null;
		});
	}

	static <T> T get(String what, Callable<T> action) {
		try {
			return action.call();
		}
		catch (RuntimeException e) {
			throw e;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while trying to " + what, e);
		}
		catch (Exception e) {
			throw new IllegalStateException("Could not " + what + ": " + e.getMessage(), e);
		}
	}

}
