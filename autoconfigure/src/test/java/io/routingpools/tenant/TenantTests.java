package io.routingpools.tenant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's quota hands out its slots first come, first served (DESIGN section 7), with
 * no pools involved.
 */
class TenantTests {

	private static final long LONG_WAIT = Duration.ofSeconds(20).toNanos();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final List<String> served = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void waitersGetSlotsInTheOrderTheyBeganToWait() throws Exception {
		Tenant tenant = tenant(1);
		tenant.acquire();
		List<CompletableFuture<Void>> waiters = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			waiters.add(takeAndGiveBack(tenant, "waiter-" + i));
			int queued = i;
			Awaitility.await().until(() -> tenant.waiting() == queued);
		}
		tenant.release();
		CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		assertThat(this.served).containsExactly("waiter-1", "waiter-2", "waiter-3", "waiter-4", "waiter-5");
		assertThat(tenant.usage()).isZero();
	}

	@Test
	void aNewcomerWaitsBehindCallersAlreadyWaitingWhenASlotIsReleased() throws Exception {
		Tenant tenant = tenant(1);
		tenant.acquire();
		CompletableFuture<Void> waiter = takeAndGiveBack(tenant, "waiter");
		Awaitility.await().until(() -> tenant.waiting() == 1);
		// Released and asked for again at once, while the waiter is only being woken up.
		tenant.release();
		tenant.acquire();
		this.served.add("newcomer");
		tenant.release();
		waiter.get(20, TimeUnit.SECONDS);
		assertThat(this.served).containsExactly("waiter", "newcomer");
	}

	private CompletableFuture<Void> takeAndGiveBack(Tenant tenant, String name) {
		return CompletableFuture.runAsync(() -> {
			try {
				tenant.acquire();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			this.served.add(name);
			tenant.release();
		}, this.threads);
	}

	private static Tenant tenant(int quota) {
		return new Tenant("acme", true, quota, null, LONG_WAIT, TenantEvents.NONE);
	}

}
