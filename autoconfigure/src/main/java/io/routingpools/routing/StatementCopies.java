package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A plain statement created again on another connection with the settings its application
 * made on it, read back from it: for a plain statement that ran plain reads on a replica
 * and then runs other SQL, which must move to the primary
 * ({@code routing.auto-commit-reads: replica}). A statement whose first execution has not
 * happened yet moves with its {@link StatementRecording} instead.
 */
final class StatementCopies {

	private StatementCopies() {
	}

	/**
	 * Read a plain statement's settings: its result set type, concurrency and
	 * holdability, fetch size and direction, row and field limits, query timeout, whether
	 * it is poolable and closes on completion.
	 * @param statement the driver's statement, still open
	 * @return how to create a statement with the same settings on another connection
	 * @throws SQLException if the driver cannot tell a setting
	 */
	static StatementRecording settingsOf(Statement statement) throws SQLException {
		int type = statement.getResultSetType();
		int concurrency = statement.getResultSetConcurrency();
		int holdability = statement.getResultSetHoldability();
		int fetchSize = statement.getFetchSize();
		int fetchDirection = statement.getFetchDirection();
		int maxRows = statement.getMaxRows();
		int maxFieldSize = statement.getMaxFieldSize();
		int queryTimeout = statement.getQueryTimeout();
		boolean poolable = statement.isPoolable();
		boolean closeOnCompletion = statement.isCloseOnCompletion();
		return new StatementRecording() {
			@Override
			Statement create(Connection physical) throws SQLException {
				Statement copy = physical.createStatement(type, concurrency, holdability);
				copy.setFetchSize(fetchSize);
				copy.setFetchDirection(fetchDirection);
				copy.setMaxRows(maxRows);
				copy.setMaxFieldSize(maxFieldSize);
				copy.setQueryTimeout(queryTimeout);
				copy.setPoolable(poolable);
				if (closeOnCompletion) {
					copy.closeOnCompletion();
				}
				return copy;
			}
		};
	}

}
