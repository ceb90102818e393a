package io.routingpools.routing;

import java.sql.SQLException;
import java.util.Objects;

import io.routingpools.pool.NamedPool;
import org.jspecify.annotations.Nullable;

/**
 * The transaction-tracking part of a logical connection: where each manual-commit
 * transaction begins and ends, and the explicit route in effect when it began, which
 * fixes its pool (DESIGN section 4). A transaction begins at {@code setAutoCommit(false)}
 * and, in manual-commit mode, at {@code getConnection()} and, after one ended, at the
 * next {@code setAutoCommit(false)} or use.
 */
abstract class TransactionTrackingConnection extends StatementTrackingConnection {

	// The explicit route in effect when the current manual-commit transaction began,
	// once it began.
	private @Nullable String transactionPool;

	private boolean transactionBegan;

	// Whether the current manual-commit transaction has used the connection yet.
	private boolean transactionStarted;

	TransactionTrackingConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
		if (!autoCommit) {
			// Manual-commit pools: the first transaction begins with the connection.
			beginTransaction();
		}
	}

	/**
	 * The explicit route the current manual-commit transaction began with.
	 * @return the pool name, or {@code null} if it began without one
	 */
	final @Nullable String transactionPool() {
		return this.transactionPool;
	}

	@Override
	final @Nullable String routeOfNextWork() {
		return (this.autoCommit || !this.transactionBegan) ? PoolRouting.currentPool() : this.transactionPool;
	}

	/**
	 * Whether no transaction is under way: in auto-commit mode, or in manual-commit mode
	 * before the transaction used the connection.
	 */
	final boolean betweenTransactions() {
		return this.autoCommit || !this.transactionStarted;
	}

	/**
	 * The current manual-commit transaction uses the connection.
	 * @return whether this is its first use
	 */
	final boolean firstUseOfTransaction() {
		if (this.transactionStarted) {
			return false;
		}
		if (!this.transactionBegan) {
			beginTransaction();
		}
		this.transactionStarted = true;
		return true;
	}

	/**
	 * {@code setAutoCommit(false)} was called: a transaction begins, unless one is under
	 * way (Hibernate calls it at each begin even in manual-commit mode). Work done since
	 * the last commit would then continue on its pool: refused when the route in effect
	 * now is another, so that work never continues on a pool named for other work.
	 * @param bound the route of the current binding, if any
	 * @throws SQLException {@code 25001} if an open transaction under another route would
	 * continue
	 */
	final void transactionBeginning(@Nullable Route bound) throws SQLException {
		if (betweenTransactions()) {
			beginTransaction();
			return;
		}
		String now = PoolRouting.poolForTransactionBeginning();
		if (bound != null && !Objects.equals(now, this.transactionPool)) {
			throw new SQLException(
					"A transaction is beginning "
							+ ((now != null) ? "under pool '" + now + "'" : "without a named pool")
							+ " on a manual-commit connection whose open transaction began "
							+ ((this.transactionPool != null) ? "under pool '" + this.transactionPool + "'"
									: "without a named pool")
							+ " and runs on pool '" + bound.pool().name()
							+ "'; it would continue there. Commit or roll back "
							+ "the work done outside transactions first, or use auto-commit pools",
					SqlStates.ACTIVE_SQL_TRANSACTION);
		}
	}

	/**
	 * A manual-commit transaction ended: the next one begins at the next
	 * {@code setAutoCommit(false)} or use, whichever comes first.
	 */
	final void transactionEnded() {
		this.transactionBegan = false;
		this.transactionStarted = false;
	}

	/**
	 * Whether work inside a transaction may name a pool: only the one the transaction
	 * began with. A transaction that began without a named pool may name the primary if
	 * it runs there as a write transaction, and a tenant's dedicated pool; the replica a
	 * read-only one runs on is the load balancer's choice, so naming any pool there fails
	 * every time, not by chance.
	 * @param named the pool named now
	 * @param current the transaction's route
	 * @return whether the work may run
	 */
	final boolean mayName(String named, Route current) {
		if (!named.equals(current.pool().name())) {
			return false;
		}
		return this.transactionPool != null || current.reason() == RouteReason.WRITE
				|| current.reason() == RouteReason.TENANT;
	}

	/**
	 * The error for a pool named inside a transaction that may not name it.
	 * @param named the pool named
	 * @param current the transaction's route
	 * @return {@code 25001}, naming both pools
	 */
	final SQLException anotherPoolNamed(NamedPool named, Route current) {
		String began = (this.transactionPool != null) ? "which was named when the transaction began"
				: "chosen automatically because the transaction began without a named pool and "
						+ current.reason().explanation();
		return new SQLException(
				"Pool '" + named.name() + "' was requested (@UsePool or PoolRouting) inside a "
						+ "transaction bound to pool '" + current.pool().name() + "', " + began
						+ "; a transaction keeps the pool it began with: name the pool where the transaction begins, "
						+ "or start a new transaction (for example with REQUIRES_NEW) to use another pool",
				SqlStates.ACTIVE_SQL_TRANSACTION);
	}

	private void beginTransaction() {
		this.transactionPool = PoolRouting.poolForTransactionBeginning();
		this.transactionBegan = true;
		this.transactionStarted = false;
	}

}
