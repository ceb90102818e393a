package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Executor;

import io.routingpools.consistency.ConsistencyScope;
import io.routingpools.consistency.TokenRecorder;
import io.routingpools.pool.PoolRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A logical connection that binds to a physical pool connection at its first real use and
 * releases it when its transaction ends, so that each transaction is routed on its own
 * (DESIGN section 4). This class holds the binding lifecycle; statement tracking lives in
 * {@link StatementTrackingConnection}, the recorded settings in
 * {@link RecordingConnection}, and the plain delegation of every other method is
 * generated at build time ({@code DelegatingRoutingConnection}); where each manual-commit
 * transaction begins and with which route, in {@link TransactionTrackingConnection}; how
 * read-only work outlives a lost node, in {@link ReRunningConnection}; where work outside
 * transactions goes by its SQL, in {@link PlainReadsConnection}; the tenant's quota slot
 * and session variable, in {@link TenantBindingConnection}.
 * <p>
 * A binding ends at {@code commit()} or {@code rollback()} in manual-commit mode, when
 * auto-commit is switched on, when a transaction begins ({@code setAutoCommit(false)}) or
 * the read-only flag changes after auto-commit work, and at {@code close()}. Statements
 * that are still open keep the binding: the next transaction then stays on the same
 * physical connection, as long as that pool can serve it. {@code unwrap} to a driver type
 * and {@code setNetworkTimeout} keep the binding until the connection is closed, with the
 * same limit. Work the bound pool cannot serve (a write after a replica served reads,
 * another explicitly named pool, serializable work on a replica) ends the binding between
 * transactions, closing what it kept; so does another tenant's work, which is refused
 * inside a transaction ({@link TenantBindingConnection}).
 * <p>
 * A transaction's pool is fixed by the explicit route in effect when it began: at
 * {@code setAutoCommit(false)} and, in manual-commit mode, at {@code getConnection()}
 * and, after a transaction ended, at the next {@code setAutoCommit(false)} or use. Inside
 * it, naming another pool fails.
 * <p>
 * Not thread-safe, like any JDBC connection.
 */
abstract class RoutingConnection extends TenantBindingConnection {

	private static final Log logger = LogFactory.getLog(RoutingConnection.class);

	private @Nullable Connection physical;

	private @Nullable Route route;

	private boolean closed;

	// A write on the primary pool failed with 25006: ask the node, before the binding
	// ends, whether it is in recovery.
	private boolean demotionSuspected;

	// The scope in which work that is not a plain read ran on the primary outside a
	// transaction: its token is recorded when the binding ends.
	private @Nullable ConsistencyScope unrecordedWrite;

	// A call failed in the current manual-commit transaction: its commit is not combined
	// with the query for the token.
	private boolean failedInTransaction;

	// Set by the router while binding: the replica bound must be asked whether it has
	// replayed this WAL position (0: no need).
	private long requiredReplay;

	RoutingConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
	}

	@Override
	public void mustHaveReplayed(long position) {
		this.requiredReplay = position;
	}

	@Override
	public void routed(Route route) {
		this.route = route;
	}

	@Override
	@Nullable Connection bound() {
		return this.physical;
	}

	@Override
	@Nullable Route route() {
		return this.route;
	}

	@Override
	Connection bindAgain() throws SQLException {
		if (boundForPlainReads()) {
			return bindForPlainRead(true);
		}
		return bind(this.autoCommit ? PoolRouting.currentPool() : transactionPool());
	}

	// The lost binding's kind is kept: a plain read that is run again is bound as one.
	@Override
	void bindingLost() {
		this.physical = null;
		this.route = null;
		bindingEnded();
		tenantBindingEnded();
	}

	@Override
	Connection physical() throws SQLException {
		if (!this.autoCommit) {
			return transactionPhysical();
		}
		Connection connection = this.physical;
		Route current = this.route;
		if (connection != null && current != null) {
			// A binding for plain reads serves the calls between them (metadata, ...):
			// statements that need the primary move there on their own.
			if (servesCurrentTenant()
					&& (fitsAutoCommitWork(current) || (boundForPlainReads() && PoolRouting.currentPool() == null))) {
				tenantAutoCommitWork(connection, current.pool());
				return connection;
			}
			release();
		}
		return bind(PoolRouting.currentPool());
	}

	/**
	 * The physical connection of a manual-commit transaction: bound by the route in
	 * effect when the transaction began, and only to be used under that route.
	 */
	private Connection transactionPhysical() throws SQLException {
		boolean first = firstUseOfTransaction();
		if (first) {
			Route kept = this.route;
			if (kept != null && (!servedBy(kept, transactionPool(), readOnlyIntent()) || !servesCurrentTenant())) {
				release();
			}
		}
		Connection connection = this.physical;
		Route current = this.route;
		if (connection == null || current == null) {
			connection = bind(transactionPool());
			current = Objects.requireNonNull(this.route);
		}
		else if (first) {
			tenantTransactionBegins(connection, current.pool());
		}
		else if (!servesCurrentTenant()) {
			throw anotherTenantsWork(current.pool(), false);
		}
		String named = PoolRouting.currentPool();
		if (named != null && !mayName(named, current)) {
			throw anotherPoolNamed(this.source.router().require(named), current);
		}
		return connection;
	}

	/**
	 * Whether auto-commit work may run on the current binding: automatic routing would
	 * route it the same way, or a statement still open needs the binding and its pool can
	 * serve the work.
	 */
	private boolean fitsAutoCommitWork(Route current) {
		String named = PoolRouting.currentPool();
		if (named != null) {
			return named.equals(current.pool().name());
		}
		if (current.reason() == RouteReason.TENANT) {
			// Its tenant's work, as physical() checked first: all of it goes to this
			// pool.
			return true;
		}
		boolean readOnly = readOnlyIntent();
		if (current.reason() != RouteReason.EXPLICIT && current.reason().readOnlyWork() == readOnly) {
			return true;
		}
		// The explicit route that bound it ended, or the work's read-only intent changed.
		return !isFree() && servedBy(current, null, readOnly);
	}

	private Connection bind(@Nullable String explicit) throws SQLException {
		return bindTo(explicit, true);
	}

	/**
	 * Bind through the router, and count the binding on its final route (after a replica
	 * that was asked and found behind gave way to the primary), unless it waits for its
	 * SQL to be counted.
	 */
	@Override
	final Connection bindTo(@Nullable String explicit, boolean counted) throws SQLException {
		checkOpen();
		Router router = this.source.router();
		this.requiredReplay = 0;
		tenantBindingBegins(explicit);
		Connection connection;
		try {
			connection = router.acquire(this, explicit);
			Route bound = Objects.requireNonNull(this.route);
			if (replay(connection, bound)
					&& (bound.reason() == RouteReason.READ_ONLY || bound.reason() == RouteReason.AUTO_COMMIT_READ)
					&& bound.pool().role() == PoolRole.REPLICA && !HotStandby.canRun(transactionIsolation())) {
				// The pools' default isolation was only just learned, from this
				// connection, and a standby cannot run it: route again knowing it.
				giveBack(connection, bound);
				this.requiredReplay = 0;
				connection = router.acquire(this, explicit);
				bound = Objects.requireNonNull(this.route);
				replay(connection, bound);
			}
			if (this.requiredReplay != 0) {
				connection = caughtUpOrPrimary(connection, bound);
				bound = Objects.requireNonNull(this.route);
			}
			try {
				tenantBound(connection, bound.pool());
			}
			catch (SQLException ex) {
				tenantBindingEnding(connection, bound.pool());
				giveBack(connection, bound);
				throw ex;
			}
		}
		catch (SQLException | RuntimeException ex) {
			tenantBindingEnded();
			throw ex;
		}
		if (counted) {
			Objects.requireNonNull(this.route).bound();
		}
		this.physical = connection;
		bindingStarted();
		return connection;
	}

	/**
	 * The replica just bound is not known to have replayed what the work's scope wrote:
	 * ask it, with the work's settings applied, waiting up to {@code max-wait}; if it has
	 * not caught up, or cannot be asked, the work binds to the primary instead.
	 */
	private Connection caughtUpOrPrimary(Connection connection, Route bound) throws SQLException {
		long required = this.requiredReplay;
		this.requiredReplay = 0;
		Router router = this.source.router();
		SQLException failure = null;
		try {
			if (router.consistency().awaitReplay(bound.pool(), connection, required)) {
				return connection;
			}
		}
		catch (SQLException ex) {
			failure = ex;
			router.failed(bound, ex);
		}
		giveBack(connection, bound);
		Connection primary = router.acquireForConsistency(this, failure);
		replay(primary, Objects.requireNonNull(this.route));
		return primary;
	}

	private boolean replay(Connection connection, Route bound) throws SQLException {
		try {
			return replay(connection, bound.pool(), this.readOnly || bound.reason().readOnlyWork());
		}
		catch (SQLException | RuntimeException ex) {
			giveBack(connection, bound);
			throw ex;
		}
	}

	private void giveBack(Connection connection, Route bound) throws SQLException {
		this.route = null;
		try {
			connection.close();
		}
		finally {
			this.source.router().released(bound, connection);
		}
	}

	/**
	 * Whether the binding may end before work with the given read-only flag starts
	 * between transactions: nothing needs it, or the bound pool cannot serve that work
	 * anyway.
	 */
	private boolean mayEndBinding(Route current, boolean readOnly) {
		return isFree() || !servedBy(current, routeOfNextWork(), readOnly);
	}

	/**
	 * Whether the bound pool can serve work with the given read-only flag under the given
	 * explicit route. Another named pool cannot serve at all; a replica cannot serve
	 * writes, nor work a hot standby refuses.
	 */
	private boolean servedBy(Route current, @Nullable String named, boolean readOnly) {
		if (named != null) {
			return named.equals(current.pool().name());
		}
		return current.pool().role() != PoolRole.REPLICA || (readOnly && HotStandby.canRun(transactionIsolation()));
	}

	/**
	 * End the binding after its work ended (a transaction, a plain read), if the
	 * application holds nothing that needs the physical connection. The work's outcome is
	 * settled: a failure to give the connection back is logged, not thrown.
	 */
	@Override
	final void releaseIfFree() {
		if (!isFree()) {
			return;
		}
		Route released = this.route;
		try {
			release();
		}
		catch (SQLException ex) {
			logger.warn("Could not return a connection to pool '" + ((released != null) ? released.pool() : "?")
					+ "' after its work ended", ex);
		}
	}

	@Override
	final void release() throws SQLException {
		Connection connection = this.physical;
		Route released = this.route;
		this.physical = null;
		this.route = null;
		plainReadBindingEnded();
		bindingEnded();
		if (connection == null || released == null) {
			tenantBindingEnded();
			return;
		}
		try {
			if (this.demotionSuspected) {
				this.demotionSuspected = false;
				this.source.router().checkDemotion(released, connection);
			}
			ConsistencyScope wrote = this.unrecordedWrite;
			if (wrote != null) {
				this.unrecordedWrite = null;
				tokens().recordUnrecordedWrite(connection, wrote);
			}
			tenantBindingEnding(connection, released.pool());
			connection.close();
		}
		finally {
			this.source.router().released(released, connection);
			tenantBindingEnded();
		}
	}

	/**
	 * A driver call on this connection or one of its statements, result sets or metadata
	 * failed: let the router learn from a connection error, and add which pool served
	 * this connection and why to a wrong-node error (SQLSTATE 25006).
	 * @param ex the error from the driver
	 * @return the error to throw: enriched, or {@code ex} itself
	 */
	@Override
	final SQLException failed(SQLException ex) {
		Route current = this.route;
		if (current == null) {
			return ex;
		}
		this.source.router().failed(current, ex);
		if (!this.autoCommit) {
			this.failedInTransaction = true;
		}
		if (SqlStates.READ_ONLY_SQL_TRANSACTION.equals(ex.getSQLState()) && current.pool().role() == PoolRole.PRIMARY
				&& !this.readOnly && !current.reason().readOnlyWork()) {
			this.demotionSuspected = true;
		}
		return WrongNodeErrors.enrich(ex, current);
	}

	@Override
	final void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", SqlStates.CONNECTION_DOES_NOT_EXIST);
		}
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		if (!autoCommit) {
			transactionBeginning(this.route);
		}
		if (autoCommit == this.autoCommit) {
			return;
		}
		Connection connection = this.physical;
		if (connection != null) {
			try {
				if (autoCommit) {
					// Ends the transaction in progress (JDBC commits it).
					boolean records = recordsCommit();
					pinAfterWriteTransaction();
					transactionWorkEnded();
					connection.setAutoCommit(true);
					this.autoCommit = true;
					this.failedInTransaction = false;
					if (records) {
						tokens().recordAfterCommit(connection);
					}
					transactionEnded();
					releaseIfFree();
					return;
				}
				// The transaction is routed on its own; one that a kept binding cannot
				// serve ends it at its first use.
				if (isFree()) {
					release();
				}
				else {
					connection.setAutoCommit(false);
				}
			}
			catch (SQLException ex) {
				throw failed(ex);
			}
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		endTransaction(true);
	}

	@Override
	public void rollback() throws SQLException {
		endTransaction(false);
	}

	private void endTransaction(boolean commit) throws SQLException {
		checkOpen();
		Connection connection = this.physical;
		if (connection == null) {
			if (this.autoCommit) {
				throw new SQLException("Cannot " + (commit ? "commit" : "rollback") + " when autoCommit is enabled",
						SqlStates.NO_ACTIVE_SQL_TRANSACTION);
			}
			transactionEnded();
			return;
		}
		if (connection.isClosed()) {
			// The pool closed its connection after a fatal error (HikariCP does so for
			// SQLSTATE class 08, 0A000, ...): the transaction is gone with it. Ending it
			// releases the binding, so that the next transaction binds again.
			String pool = String.valueOf(this.route);
			release();
			if (!this.autoCommit) {
				transactionEnded();
			}
			if (commit) {
				throw new SQLException(
						"Cannot commit: the connection from " + pool
								+ " was closed after an error, and its transaction is lost",
						SqlStates.CONNECTION_DOES_NOT_EXIST);
			}
			return;
		}
		boolean failedBefore = this.failedInTransaction;
		boolean records = commit && recordsCommit();
		this.failedInTransaction = false;
		pinAfterWriteTransaction();
		transactionWorkEnded();
		try {
			if (!commit) {
				connection.rollback();
			}
			else if (!records) {
				connection.commit();
			}
			else if (failedBefore) {
				connection.commit();
				tokens().recordAfterCommit(connection);
			}
			else {
				tokens().commitAndRecord(connection);
			}
		}
		catch (SQLException ex) {
			if (!endedWithLostNode(connection, ex)) {
				throw failed(ex);
			}
			if (!this.autoCommit) {
				transactionEnded();
			}
			return;
		}
		if (!this.autoCommit) {
			releaseIfFree();
			transactionEnded();
		}
	}

	/**
	 * The scope wrote on the primary outside a transaction: until the binding ends and
	 * the primary's position is read, the scope's reads stay on the primary.
	 */
	@Override
	final void wroteOutsideTransaction() {
		Route current = this.route;
		if (this.unrecordedWrite != null || current == null || current.pool().role() != PoolRole.PRIMARY
				|| current.reason().readOnlyWork() || this.readOnly) {
			return;
		}
		TokenRecorder tokens = tokens();
		if (tokens.records()) {
			this.unrecordedWrite = tokens.writeUnrecorded();
		}
	}

	private TokenRecorder tokens() {
		return this.source.router().consistency().recorder();
	}

	/**
	 * Whether the commit of the current transaction records a consistency token: work on
	 * the primary, not read-only, that ran something.
	 */
	private boolean recordsCommit() {
		Route current = this.route;
		return current != null && current.pool().role() == PoolRole.PRIMARY && !current.reason().readOnlyWork()
				&& !this.readOnly && executedInTransaction() && tokens().records();
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		if (readOnly == this.readOnly) {
			return;
		}
		Connection connection = this.physical;
		Route current = this.route;
		if (connection != null && current != null) {
			if (betweenTransactions() && mayEndBinding(current, readOnly)) {
				// The next use is routed again with the new flag.
				release();
			}
			else {
				connection.setReadOnly(readOnly);
			}
		}
		this.readOnly = readOnly;
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		checkOpen();
		Route current = this.route;
		if (current != null && current.pool().role() == PoolRole.REPLICA && !HotStandby.canRun(level)
				&& betweenTransactions()) {
			// A standby cannot run the work that follows: it is routed again.
			release();
		}
		super.setTransactionIsolation(level);
	}

	@Override
	public void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		release();
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void abort(Executor executor) throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Connection connection = this.physical;
		Route aborted = this.route;
		this.physical = null;
		this.route = null;
		plainReadBindingEnded();
		ConsistencyScope wrote = this.unrecordedWrite;
		if (wrote != null) {
			this.unrecordedWrite = null;
			tokens().unrecordedWriteLost(wrote);
		}
		try {
			if (connection != null && aborted != null) {
				try {
					connection.abort(executor);
				}
				finally {
					// HikariCP's abort does not give the slot back: evict the connection.
					aborted.pool().dataSource().evictConnection(connection);
					this.source.router().released(aborted, connection);
				}
			}
		}
		finally {
			tenantBindingEnded();
		}
	}

	@Override
	public String toString() {
		Route current = this.route;
		return "RoutingConnection[" + ((current != null) ? current : (this.closed ? "closed" : "unbound")) + "]";
	}

}
