package io.routingpools.embedded;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes whatever is still open when the JVM exits, newest first, so that no server
 * process or temporary directory outlives the JVM even when nobody called
 * {@code close()}.
 */
final class ShutdownCleanup {

	private static final Logger log = LoggerFactory.getLogger(ShutdownCleanup.class);

	private static final Set<AutoCloseable> open = new LinkedHashSet<>();

	private static boolean hookInstalled;

	private ShutdownCleanup() {
	}

	static synchronized void register(AutoCloseable resource) {
		if (!hookInstalled) {
			Runtime.getRuntime().addShutdownHook(new Thread(ShutdownCleanup::closeAll, "embedded-postgres-cleanup"));
			hookInstalled = true;
		}
		open.add(resource);
	}

	static synchronized void unregister(AutoCloseable resource) {
		open.remove(resource);
	}

	private static void closeAll() {
		List<AutoCloseable> newestFirst;
		synchronized (ShutdownCleanup.class) {
			newestFirst = new ArrayList<>(open);
		}
		for (int i = newestFirst.size() - 1; i >= 0; i--) {
			try {
				newestFirst.get(i).close();
			}
			catch (Exception e) {
				log.warn("Cleanup at JVM exit failed: {}", e.toString());
			}
		}
	}

}
