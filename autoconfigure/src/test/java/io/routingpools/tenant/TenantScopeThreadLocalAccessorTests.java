package io.routingpools.tenant;

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
class TenantScopeThreadLocalAccessorTests {

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder()
		.contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new TenantScopeThreadLocalAccessor()))
		.clearMissing(true)
		.build();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopWorker() {
		this.worker.shutdownNow();
	}

	@Test
	void snapshotCarriesTheTenantToAnotherThread() throws Exception {
		ContextSnapshot snapshot = TenantScope.call("acme", this.snapshots::captureAll);
		assertThat(onWorker(snapshot.wrap(TenantScope::current))).isEqualTo("acme");
	}

	@Test
	void closingTheSnapshotRestoresTheThreadsOwnTenant() throws Exception {
		onWorker(() -> TenantScope.enter("globex"));
		ContextSnapshot snapshot = TenantScope.call("acme", this.snapshots::captureAll);
		assertThat(onWorker(() -> {
			snapshot.setThreadLocals().close();
			return TenantScope.current();
		})).isEqualTo("globex");
	}

	@Test
	void closingTheSnapshotLeavesAThreadWithoutATenantWithoutOne() throws Exception {
		ContextSnapshot snapshot = TenantScope.call("acme", this.snapshots::captureAll);
		assertThat(onWorker(() -> {
			snapshot.setThreadLocals().close();
			return TenantScope.current();
		})).isNull();
	}

	@Test
	void snapshotOfAThreadWithoutATenantClearsTheTargetsTenantUntilClosed() throws Exception {
		onWorker(() -> TenantScope.enter("globex"));
		ContextSnapshot snapshot = this.snapshots.captureAll();
		assertThat(onWorker(snapshot.wrap(TenantScope::current))).isNull();
		assertThat(onWorker(TenantScope::current)).isEqualTo("globex");
	}

	private <T> @Nullable T onWorker(Callable<@Nullable T> work) throws Exception {
		return this.worker.submit(work).get(10, TimeUnit.SECONDS);
	}

}
