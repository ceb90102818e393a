package io.routingpools.tenant;

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

class TenantTaskDecoratorTests {

	private final TenantTaskDecorator decorator = new TenantTaskDecorator();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopWorker() {
		this.worker.shutdownNow();
	}

	@Test
	void taskRunsForTheSubmittersTenant() throws Exception {
		AtomicReference<@Nullable String> inTask = new AtomicReference<>();
		TenantScope.run("acme", () -> run(this.decorator.decorate(() -> inTask.set(TenantScope.current()))));
		assertThat(inTask.get()).isEqualTo("acme");
	}

	@Test
	void taskRunsForTheTenantCurrentWhenItWasSubmitted() throws Exception {
		AtomicReference<@Nullable String> inTask = new AtomicReference<>();
		Runnable task = TenantScope.call("acme",
				() -> this.decorator.decorate(() -> inTask.set(TenantScope.current())));
		TenantScope.run("globex", () -> run(task));
		assertThat(inTask.get()).isEqualTo("acme");
	}

	@Test
	void taskOfASubmitterWithoutATenantRunsWithoutOneOnAWorkerWithOne() throws Exception {
		onWorker(() -> TenantScope.enter("globex"));
		AtomicReference<@Nullable String> inTask = new AtomicReference<>("unset");
		run(this.decorator.decorate(() -> inTask.set(TenantScope.current())));
		assertThat(inTask.get()).isNull();
	}

	@Test
	void workersOwnTenantIsBackAfterTheTask() throws Exception {
		onWorker(() -> TenantScope.enter("globex"));
		TenantScope.run("acme", () -> run(this.decorator.decorate(() -> {
		})));
		assertThat(onWorker(TenantScope::current)).isEqualTo("globex");
	}

	@Test
	void workerWithoutATenantHasNoneAfterTheTask() throws Exception {
		TenantScope.run("acme", () -> run(this.decorator.decorate(() -> {
		})));
		assertThat(onWorker(TenantScope::current)).isNull();
	}

	@Test
	void workersOwnTenantIsBackWhenTheTaskFails() throws Exception {
		onWorker(() -> TenantScope.enter("globex"));
		TenantScope.run("acme", () -> run(this.decorator.decorate(() -> {
			throw new IllegalStateException("task failed");
		})));
		assertThat(onWorker(TenantScope::current)).isEqualTo("globex");
	}

	// Runs the task on the worker; a failure of the task is its own business.
	private void run(Runnable task) {
		try {
			this.worker.submit(task).get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			// the task failed, as some tests want
		}
		catch (InterruptedException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// Reads something on the worker thread.
	private <T> @Nullable T onWorker(Callable<@Nullable T> read) throws Exception {
		return this.worker.submit(read).get(10, TimeUnit.SECONDS);
	}

}
