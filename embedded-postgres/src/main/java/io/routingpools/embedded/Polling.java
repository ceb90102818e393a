package io.routingpools.embedded;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds, failing once a deadline has passed. */
final class Polling {

	private static final long INTERVAL_MILLIS = 10;

	interface Condition {

		boolean holds() throws Exception;

	}

	private Polling() {
	}

	/**
	 * @throws IllegalStateException with {@code timeoutMessage} when {@code timeout}
	 * passes first
	 */
	static void until(Duration timeout, Condition condition, Supplier<String> timeoutMessage) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.holds()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(timeoutMessage.get());
			}
			Thread.sleep(INTERVAL_MILLIS);
		}
	}

}
