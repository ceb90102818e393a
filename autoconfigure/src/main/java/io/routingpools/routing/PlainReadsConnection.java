package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.routingpools.pool.PoolRole;
import org.jspecify.annotations.Nullable;

/**
 * The layer of a logical connection that routes work outside transactions by its SQL
 * ({@code routing.auto-commit-reads: replica}, DESIGN section 4 rule 4, docs/routing.md):
 * a statement whose SQL only reads ({@link PlainReads}) binds to a replica, in a binding
 * that ends when its statements are closed; anything else, and every later statement of
 * the connection, runs on the primary, so that session state is never split across nodes.
 * The binding itself belongs to {@link RoutingConnection}, which this layer asks for a
 * new binding, the end of one, and to note a write outside a transaction.
 */
abstract class PlainReadsConnection extends ReRunningConnection implements Binding {

	// Work that is not a plain read ran outside transactions while auto-commit reads go
	// to replicas: the connection stays on the primary until it is closed.
	private boolean pinnedToPrimary;

	// The current binding was made for a plain read outside a transaction.
	private boolean plainReadBinding;

	// Set while such a binding is being made, for the router (plainReadIntent()).
	private boolean bindingPlainRead;

	// The current binding was made for a plain statement whose SQL is not known yet: it
	// is counted on its route when a plain read runs on it.
	private boolean uncounted;

	PlainReadsConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
	}

	/**
	 * Bind through the router.
	 * @param explicit the pool named for the work, or {@code null}
	 * @param counted whether to count the binding on its route now
	 * @return the physical connection
	 * @throws SQLException if no pool can provide one
	 */
	abstract Connection bindTo(@Nullable String explicit, boolean counted) throws SQLException;

	/**
	 * End the current binding, closing what it kept.
	 * @throws SQLException if giving the connection back fails
	 */
	abstract void release() throws SQLException;

	/**
	 * End the current binding if nothing holds it; failures are logged.
	 */
	abstract void releaseIfFree();

	/**
	 * Work that is not a plain read ran outside a transaction on the current binding.
	 */
	abstract void wroteOutsideTransaction();

	/**
	 * Whether the current binding serves the work of the tenant now in effect.
	 * @return {@code false} if the binding began for another tenant's work
	 */
	abstract boolean servesCurrentTenant();

	@Override
	public boolean readOnlyIntent() {
		return this.readOnly || SpringReadOnlyWork.declared();
	}

	@Override
	public boolean plainReadIntent() {
		return this.bindingPlainRead;
	}

	/**
	 * Whether the current binding was made for plain reads outside a transaction.
	 * @return {@code true} for such a binding
	 */
	final boolean boundForPlainReads() {
		return this.plainReadBinding;
	}

	/**
	 * The current binding ended.
	 */
	final void plainReadBindingEnded() {
		this.plainReadBinding = false;
		this.uncounted = false;
	}

	/**
	 * The physical connection a statement is created on (see the generated
	 * {@code DelegatingRoutingConnection}). Outside a transaction its SQL decides: SQL
	 * that only reads ({@link PlainReads}) goes to a replica when
	 * {@code routing.auto-commit-reads} is {@code replica}, in a binding that ends when
	 * its statements are closed; anything else runs on the primary, and keeps the
	 * connection there until it is closed, so that session state is never split across
	 * nodes. It also tells the consistency rules that the scope wrote.
	 * @param sql the statement's SQL, or {@code null} for a plain statement, whose SQL
	 * comes with its execution ({@link #executingSql})
	 * @return the physical connection to create the statement on
	 * @throws SQLException if no pool can provide one
	 */
	final Connection physicalForStatement(@Nullable String sql) throws SQLException {
		if (!this.autoCommit || !this.source.classifiesSqlOutsideTransactions()) {
			return physical();
		}
		if (sql != null && !PlainReads.isPlainRead(sql)) {
			return physicalForOtherWork();
		}
		if (!this.source.autoCommitReadsToReplicas() || this.pinnedToPrimary || readOnlyIntent()
				|| PoolRouting.currentPool() != null) {
			return physical();
		}
		Connection connection = bound();
		if (connection != null) {
			if ((this.plainReadBinding || !isFree()) && servesCurrentTenant()) {
				if (sql != null) {
					countPlainRead();
				}
				return connection;
			}
			release();
		}
		return bindForPlainRead(sql != null);
	}

	final Connection bindForPlainRead(boolean sqlKnown) throws SQLException {
		this.bindingPlainRead = true;
		Connection connection;
		try {
			connection = bindTo(null, sqlKnown);
		}
		finally {
			this.bindingPlainRead = false;
		}
		this.plainReadBinding = true;
		this.uncounted = !sqlKnown;
		return connection;
	}

	// A plain read runs on a binding made before its SQL was known.
	private void countPlainRead() {
		Route current = route();
		if (this.uncounted && current != null) {
			this.uncounted = false;
			current.bound();
		}
	}

	/**
	 * Work that is not a plain read, outside a transaction: on the primary, where it
	 * stays when auto-commit reads go to replicas. A binding made for plain reads cannot
	 * serve it (a replica, or the primary set read-only), so it ends, with what it kept
	 * open.
	 */
	private Connection physicalForOtherWork() throws SQLException {
		if (this.source.autoCommitReadsToReplicas()) {
			this.pinnedToPrimary = true;
		}
		Route current = route();
		if (this.plainReadBinding && current != null && current.reason().readOnlyWork()) {
			release();
		}
		Connection connection = physical();
		wroteOutsideTransaction();
		return connection;
	}

	/**
	 * A plain statement executes SQL outside a transaction, or adds it to its batch: SQL
	 * that does not only read, and any batch, runs on the primary. A statement created on
	 * a binding for plain reads moves there first, created again with the settings made
	 * on it, if it is the only thing the binding holds; otherwise it runs where it is (a
	 * replica refuses a write with SQLSTATE 25006).
	 */
	@Override
	final void executingSql(RoutedStatement statement, int statementBinding, @Nullable StatementRecording recording,
			String sql, boolean batch) throws SQLException {
		if (!this.autoCommit || !this.source.classifiesSqlOutsideTransactions()) {
			return;
		}
		if (!batch && PlainReads.isPlainRead(sql)) {
			countPlainRead();
			return;
		}
		if (this.source.autoCommitReadsToReplicas()) {
			this.pinnedToPrimary = true;
		}
		Route current = route();
		if (this.plainReadBinding && current != null && current.reason().readOnlyWork() && statementBinding == binding()
				&& onlyOneOpenStatement()) {
			try {
				StatementRecording again = (recording != null) ? recording
						: StatementCopies.settingsOf(statement.delegate);
				release();
				Statement moved = again.recreate(physical());
				statementReopened();
				statement.rebound(moved, binding());
			}
			catch (SQLException ex) {
				throw failed(ex);
			}
		}
		wroteOutsideTransaction();
	}

	// A binding made for plain reads ends as soon as nothing holds it: the next plain
	// read is routed on its own.
	@Override
	final void statementClosedByApplication() {
		if (this.plainReadBinding && this.autoCommit) {
			releaseIfFree();
		}
	}

	/**
	 * A transaction that was not read-only ran on the primary: session state it may have
	 * set ({@code SET}, a temporary table) must not be split from later plain reads, so
	 * the connection stays on the primary when auto-commit reads go to replicas.
	 */
	final void pinAfterWriteTransaction() {
		Route current = route();
		if (this.source.autoCommitReadsToReplicas() && executedInTransaction() && current != null
				&& current.pool().role() == PoolRole.PRIMARY && !current.reason().readOnlyWork() && !this.readOnly) {
			this.pinnedToPrimary = true;
		}
	}

}
