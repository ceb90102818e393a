package io.routingpools.consistency;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyTaskDecoratorTests {

	private static final ConsistencyToken SUBMITTED = new ConsistencyToken(7713990516384802699L, 1, 0x4000,
			1_796_040_000_000L);

	private static final ConsistencyToken WRITTEN_IN_TASK = new ConsistencyToken(7713990516384802699L, 1, 0x5DADC0,
			1_796_040_001_000L);

	private final ConsistencyTaskDecorator decorator = new ConsistencyTaskDecorator();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopWorker() {
		this.worker.shutdownNow();
	}

	@Test
	void taskSeesTheSubmittersToken() throws Exception {
		AtomicReference<@Nullable ConsistencyToken> inTask = new AtomicReference<>();
		ConsistencyScope.call(SUBMITTED, () -> {
			run(this.decorator.decorate(() -> inTask.set(ConsistencyToken.current())));
			return null;
		});
		assertThat(inTask.get()).isEqualTo(SUBMITTED);
	}

	@Test
	void tokenRecordedInTheTaskIsTheSubmittersAfterwards() throws Exception {
		ConsistencyToken afterTask = ConsistencyScope.call(SUBMITTED, () -> {
			run(this.decorator.decorate(() -> ConsistencyScope.currentOrNew().record(WRITTEN_IN_TASK)));
			return ConsistencyToken.current();
		});
		assertThat(afterTask).isEqualTo(WRITTEN_IN_TASK);
	}

	@Test
	void submitterWithoutAScopeSharesANewOneWithTheTask() throws Exception {
		assertThat(ConsistencyScope.current()).isNull();
		try {
			run(this.decorator.decorate(() -> ConsistencyScope.currentOrNew().record(WRITTEN_IN_TASK)));
			assertThat(ConsistencyToken.current()).isEqualTo(WRITTEN_IN_TASK);
		}
		finally {
			ConsistencyScope.restore(null);
		}
	}

	@Test
	void workersOwnScopeIsRestoredAfterTheTask() throws Exception {
		ConsistencyScope workersOwn = new ConsistencyScope(null);
		run(workersOwn::enter);
		ConsistencyScope.call(SUBMITTED, () -> {
			run(this.decorator.decorate(() -> ConsistencyScope.currentOrNew().record(WRITTEN_IN_TASK)));
			return null;
		});
		assertThat(onWorker(ConsistencyScope::current)).isSameAs(workersOwn);
		assertThat(workersOwn.token()).isNull();
	}

	@Test
	void workerWithoutAScopeHasNoneAfterTheTask() throws Exception {
		ConsistencyScope.call(SUBMITTED, () -> {
			run(this.decorator.decorate(() -> ConsistencyScope.currentOrNew().record(WRITTEN_IN_TASK)));
			return null;
		});
		assertThat(onWorker(ConsistencyScope::current)).isNull();
	}

	@Test
	void workersOwnScopeIsRestoredWhenTheTaskFails() throws Exception {
		ConsistencyScope workersOwn = new ConsistencyScope(null);
		run(workersOwn::enter);
		ConsistencyScope.call(SUBMITTED, () -> {
			run(this.decorator.decorate(() -> {
				throw new IllegalStateException("task failed");
			}));
			return null;
		});
		assertThat(onWorker(ConsistencyScope::current)).isSameAs(workersOwn);
	}

	// Runs the task on the worker; a failure of the task is its own business.
	private void run(Runnable task) throws InterruptedException, TimeoutException {
		try {
			this.worker.submit(task).get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			// the task failed, as some tests want
		}
	}

	// Reads something on the worker thread.
	private <T> @Nullable T onWorker(Callable<@Nullable T> read) throws Exception {
		return this.worker.submit(read).get(10, TimeUnit.SECONDS);
	}

}
