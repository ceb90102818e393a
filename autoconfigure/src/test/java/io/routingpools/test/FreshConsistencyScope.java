package io.routingpools.test;

import io.routingpools.consistency.ConsistencyScope;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts every test without a consistency scope on its thread. The thread is a scope of
 * its own (DESIGN section 5): without this, a test would inherit the token of a write
 * that an earlier test made on the same thread, and its reads would wait for that write
 * on replicas whose replay it paused. Registered for every test by JUnit's extension
 * autodetection (junit-platform.properties).
 */
public final class FreshConsistencyScope implements BeforeEachCallback {

	@Override
	public void beforeEach(ExtensionContext context) {
		ConsistencyScope.restore(null);
	}

}
