package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

import io.routingpools.pool.LostConnections;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The layer of a logical connection that lets read-only work outlive a lost node
 * ({@link ReRuns}, docs/failover.md): a re-runnable statement whose first execution lost
 * its connection runs again on a new binding, and read-only work whose commit or rollback
 * lost its connection ends normally. The binding itself belongs to
 * {@link RoutingConnection}, which this layer asks for the route, a new binding and the
 * end of a lost one.
 */
abstract class ReRunningConnection extends TransactionTrackingConnection {

	private static final Log logger = LogFactory.getLog(ReRunningConnection.class);

	ReRunningConnection(RoutingDataSource source, boolean autoCommit) {
		super(source, autoCommit);
	}

	/**
	 * The route of the current binding.
	 * @return the route, or {@code null} while unbound
	 */
	abstract @Nullable Route route();

	/**
	 * Bind again, as the next work would, after the binding was lost.
	 * @return the physical connection of the new binding
	 * @throws SQLException if no pool could provide one
	 */
	abstract Connection bindAgain() throws SQLException;

	/**
	 * Forget the current binding, whose physical connection was lost.
	 */
	abstract void bindingLost();

	@Override
	final boolean reRunnable() {
		Route current = route();
		return current != null && !executedOnBinding() && ReRuns.routeAllows(current);
	}

	/**
	 * Run a re-runnable statement's failed first execution again on another binding, if
	 * {@link ReRuns} allows: the lost physical connection is evicted from its pool (the
	 * router has marked a replica suspect), the logical connection binds again through
	 * the router (which passes over that replica) replaying its recorded settings, and
	 * the statement is created again there with its recorded calls.
	 */
	@Override
	final Statement reRun(RoutedStatement statement, int statementBinding, StatementRecording recording,
			SQLException ex) throws SQLException {
		Route lost = route();
		Connection broken = bound();
		if (lost == null || broken == null || statementBinding != binding()
				|| !ReRuns.applies(lost, onlyOneOpenStatement(), ex)) {
			throw failed(ex);
		}
		Router router = this.source.router();
		endLostBinding(lost, broken, ex);
		router.reRunning(lost);
		if (logger.isInfoEnabled()) {
			logger.info("Read-only statement lost its connection to pool '" + lost.pool().name() + "' (SQLSTATE "
					+ ex.getSQLState() + ") before returning anything: running it again on another node");
		}
		try {
			Connection connection = bindAgain();
			Statement again = recording.recreate(connection);
			statementReopened();
			executing();
			statement.rebound(again, binding());
			return again;
		}
		catch (SQLException again) {
			SQLException thrown = failed(again);
			thrown.addSuppressed(ex);
			throw thrown;
		}
	}

	/**
	 * End a binding whose physical connection was lost: the router learns of it (a
	 * replica is marked suspect), and the connection is evicted from its pool.
	 */
	private void endLostBinding(Route lost, Connection broken, SQLException ex) {
		Router router = this.source.router();
		router.failed(lost, ex);
		bindingLost();
		try {
			// HikariCP evicts a connection after these SQLSTATEs itself; this makes sure,
			// whatever its exception override says.
			lost.pool().dataSource().evictConnection(broken);
		}
		finally {
			router.released(lost, broken);
		}
	}

	// A savepoint starts the transaction on the binding: statements after it are not
	// re-run on another node, where the savepoint would not exist.
	@Override
	public Savepoint setSavepoint() throws SQLException {
		try {
			Savepoint savepoint = physical().setSavepoint();
			executing();
			return savepoint;
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		try {
			Savepoint savepoint = physical().setSavepoint(name);
			executing();
			return savepoint;
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
	}

	/**
	 * A commit or rollback failed: end read-only work that lost its node as it ended.
	 * Read-only work on a replica, or fallen back to the primary read-only, wrote
	 * nothing: losing the node as it ends loses nothing, and its reads were returned. It
	 * ends as if committed.
	 * @param connection the physical connection whose commit or rollback failed
	 * @param ex the error
	 * @return whether the binding was ended that way; {@code false} to throw the error
	 */
	final boolean endedWithLostNode(Connection connection, SQLException ex) {
		Route current = route();
		if (current == null || !ReRuns.routeAllows(current) || !LostConnections.isLost(ex)) {
			return false;
		}
		endLostBinding(current, connection, ex);
		if (logger.isInfoEnabled()) {
			logger.info("Read-only transaction lost its connection to pool '" + current.pool().name() + "' (SQLSTATE "
					+ ex.getSQLState() + ") as it ended; it wrote nothing, so it ends normally");
		}
		return true;
	}

}
