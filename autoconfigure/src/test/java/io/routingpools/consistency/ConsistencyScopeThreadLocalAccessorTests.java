package io.routingpools.consistency;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accessor through Micrometer's own snapshots, on a registry of the test's own (the
 * global one is the autoconfiguration's business).
 */
class ConsistencyScopeThreadLocalAccessorTests {

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder()
		.contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new ConsistencyScopeThreadLocalAccessor()))
		.clearMissing(true)
		.build();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopWorker() {
		this.worker.shutdownNow();
	}

	@Test
	void snapshotCarriesTheScopeItselfToAnotherThread() throws Exception {
		ConsistencyScope scope = new ConsistencyScope(null);
		ContextSnapshot snapshot = captureIn(scope);
		assertThat(onWorker(snapshot.wrap(ConsistencyScope::current))).isSameAs(scope);
	}

	@Test
	void closingTheSnapshotRestoresTheThreadsOwnScope() throws Exception {
		ConsistencyScope workersOwn = new ConsistencyScope(null);
		onWorker(workersOwn::enter);
		ContextSnapshot snapshot = captureIn(new ConsistencyScope(null));
		assertThat(onWorker(() -> {
			snapshot.setThreadLocals().close();
			return ConsistencyScope.current();
		})).isSameAs(workersOwn);
	}

	@Test
	void closingTheSnapshotLeavesAThreadWithoutAScopeWithoutOne() throws Exception {
		ContextSnapshot snapshot = captureIn(new ConsistencyScope(null));
		assertThat(onWorker(() -> {
			snapshot.setThreadLocals().close();
			return ConsistencyScope.current();
		})).isNull();
	}

	@Test
	void capturingOnAThreadWithoutAScopeCreatesNone() {
		assertThat(ConsistencyScope.current()).isNull();
		this.snapshots.captureAll();
		assertThat(ConsistencyScope.current()).isNull();
	}

	@Test
	void snapshotOfAThreadWithoutAScopeClearsTheTargetsScopeUntilClosed() throws Exception {
		ConsistencyScope workersOwn = new ConsistencyScope(null);
		onWorker(workersOwn::enter);
		ContextSnapshot snapshot = this.snapshots.captureAll();
		assertThat(onWorker(snapshot.wrap(ConsistencyScope::current))).isNull();
		assertThat(onWorker(ConsistencyScope::current)).isSameAs(workersOwn);
	}

	private ContextSnapshot captureIn(ConsistencyScope scope) {
		ConsistencyScope previous = scope.enter();
		try {
			return this.snapshots.captureAll();
		}
		finally {
			ConsistencyScope.restore(previous);
		}
	}

	private <T> @Nullable T onWorker(Callable<@Nullable T> work) throws Exception {
		return this.worker.submit(work).get(10, TimeUnit.SECONDS);
	}

}
