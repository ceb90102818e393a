package io.routingpools.routing;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Read-only work that Spring declares without a transaction:
 * {@code @Transactional(readOnly = true)} with {@code propagation = SUPPORTS} (or
 * {@code NOT_SUPPORTED}, {@code NEVER}) called outside one. Spring marks the thread
 * read-only but, with no transaction to prepare, never marks a connection. Inside an
 * actual transaction the connection's own read-only flag, set by the transaction manager,
 * is authoritative instead.
 */
final class SpringReadOnlyWork {

	private SpringReadOnlyWork() {
	}

	/**
	 * Whether the current thread runs work that Spring declared read-only, outside any
	 * transaction.
	 * @return {@code true} when Spring marks the thread read-only and no transaction is
	 * active
	 */
	static boolean declared() {
		return TransactionSynchronizationManager.isCurrentTransactionReadOnly()
				&& !TransactionSynchronizationManager.isActualTransactionActive();
	}

}
