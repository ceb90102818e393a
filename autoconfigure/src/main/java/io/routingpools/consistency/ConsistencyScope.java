package io.routingpools.consistency;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ConsistencyToken} lives: reads in a scope follow the writes committed in
 * it (DESIGN section 5). By default the scope is the thread; the web filter opens one per
 * request, seeded from the request's cookie or header, and Spring's {@code @Async}
 * executors and MVC async processing share the scope of the thread that handed the work
 * over. Messaging and batch code carry a token by hand:
 *
 * <pre class="code">
 * // producer, after its transaction committed
 * ConsistencyToken token = ConsistencyToken.current();
 * message.setHeader("rp-consistency", (token != null) ? token.serialize() : null);
 * // consumer
 * String header = message.getHeader("rp-consistency");
 * ConsistencyScope.run((header != null) ? ConsistencyToken.parse(header) : null, () -&gt; handle(message));
 * </pre>
 *
 * A scope may be shared by several threads (work handed over); its token only moves
 * forward. Thread-safe.
 */
public final class ConsistencyScope {

	private static final ThreadLocal<@Nullable ConsistencyScope> CURRENT = new ThreadLocal<>();

	private volatile @Nullable ConsistencyToken token;

	private volatile @Nullable TokenListener listener;

	// Writes made outside a transaction on connections still open, whose position is read
	// when their binding ends: until then the scope's reads stay on the primary.
	private final AtomicInteger unrecordedWrites = new AtomicInteger();

	/**
	 * Create a scope that is not entered yet.
	 * @param token what its reads must follow from the start, or {@code null}
	 */
	public ConsistencyScope(@Nullable ConsistencyToken token) {
		this.token = token;
	}

	/**
	 * Run work in a scope of its own that starts with the given token. Writes committed
	 * inside it move that scope's token, not the caller's.
	 * @param token the token its reads must follow, or {@code null} for none
	 * @param work the work
	 */
	public static void run(@Nullable ConsistencyToken token, Runnable work) {
		ConsistencyScope previous = new ConsistencyScope(token).enter();
		try {
			work.run();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Call work in a scope of its own that starts with the given token; see
	 * {@link #run(ConsistencyToken, Runnable)}.
	 * @param token the token its reads must follow, or {@code null} for none
	 * @param work the work
	 * @param <T> the result type
	 * @return what {@code work} returned
	 * @throws Exception what {@code work} threw
	 */
	public static <T> T call(@Nullable ConsistencyToken token, Callable<T> work) throws Exception {
		ConsistencyScope previous = new ConsistencyScope(token).enter();
		try {
			return work.call();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * The scope entered on the current thread.
	 * @return the scope, or {@code null} when none was entered and nothing was written on
	 * this thread yet
	 */
	public static @Nullable ConsistencyScope current() {
		return CURRENT.get();
	}

	/**
	 * The scope of the current thread, created for the thread if there is none yet: for
	 * code that hands work to another thread and wants the writes made there to count
	 * here too.
	 * @return the current scope
	 */
	public static ConsistencyScope currentOrNew() {
		ConsistencyScope scope = CURRENT.get();
		if (scope == null) {
			scope = new ConsistencyScope(null);
			CURRENT.set(scope);
		}
		return scope;
	}

	/**
	 * Make this the current thread's scope.
	 * @return the scope it replaces, to give to {@link #restore(ConsistencyScope)}
	 */
	public @Nullable ConsistencyScope enter() {
		ConsistencyScope previous = CURRENT.get();
		CURRENT.set(this);
		return previous;
	}

	/**
	 * Put back the scope that {@link #enter()} replaced.
	 * @param previous what {@code enter()} returned
	 */
	public static void restore(@Nullable ConsistencyScope previous) {
		if (previous == null) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(previous);
		}
	}

	/**
	 * What reads in this scope must follow.
	 * @return the token, or {@code null} when nothing was written in the scope
	 */
	public @Nullable ConsistencyToken token() {
		return this.token;
	}

	/**
	 * Be told of every token recorded in this scope from now on (the web filter writes it
	 * to the response). Replaces any earlier listener.
	 * @param listener the listener, or {@code null} to stop telling
	 */
	public void listen(@Nullable TokenListener listener) {
		this.listener = listener;
	}

	/**
	 * A write committed in this scope: reads must follow it. The token moves forward
	 * only: a token with an earlier WAL position than the current one is ignored. A token
	 * without a position (reads stay on the primary for a while) always replaces the
	 * current one.
	 * @param recorded the token of the write
	 */
	public void record(ConsistencyToken recorded) {
		synchronized (this) {
			ConsistencyToken current = this.token;
			if (current != null && current.hasPosition() && recorded.hasPosition() && recorded.lsn() < current.lsn()) {
				return;
			}
			this.token = recorded;
		}
		TokenListener told = this.listener;
		if (told != null) {
			told.recorded(recorded);
		}
	}

	void writeUnrecorded() {
		this.unrecordedWrites.incrementAndGet();
	}

	void writeRecorded() {
		this.unrecordedWrites.decrementAndGet();
	}

	boolean hasUnrecordedWrites() {
		return this.unrecordedWrites.get() > 0;
	}

	/**
	 * Told of each token recorded in a scope, on the thread that committed the write.
	 */
	@FunctionalInterface
	public interface TokenListener {

		/**
		 * A write committed and its token was recorded.
		 * @param token the scope's new token
		 */
		void recorded(ConsistencyToken token);

	}

}
