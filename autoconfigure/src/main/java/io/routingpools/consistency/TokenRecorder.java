package io.routingpools.consistency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.routingpools.replica.ClusterIdentity;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.WalPositions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Makes the token of work that committed on the primary and records it in the current
 * {@link ConsistencyScope} (DESIGN section 5): the primary's WAL insert position
 * ({@code pg_current_wal_insert_lsn()}), corrected for page headers
 * ({@link ClusterIdentity#replayablePosition}), read in the round trip of the commit for
 * a transaction, or once per checkout after auto-commit writes. When the position cannot
 * be read, or in mode {@code window}, only the time is recorded, and the scope's reads
 * stay on the primary for {@code window}.
 */
public final class TokenRecorder {

	static final String INSERT_POSITION = "SELECT pg_current_wal_insert_lsn()";

	private static final String WROTE_THEN_COMMIT = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL; COMMIT";

	private static final String WROTE_THEN_COMMIT_THEN_POSITION = WROTE_THEN_COMMIT
			+ "; SELECT pg_current_wal_insert_lsn()";

	private static final Log logger = LogFactory.getLog(TokenRecorder.class);

	private final ConsistencySettings settings;

	private final ReplicaStates states;

	private final LongSupplier clockMillis;

	private final LongConsumer primaryReached;

	private final long windowMillis;

	/**
	 * Create a recorder.
	 * @param settings {@code routing-pools.consistency.*}
	 * @param states where the cluster's identity is kept
	 * @param clockMillis the wall clock
	 * @param primaryReached told of each position the primary was seen at
	 */
	TokenRecorder(ConsistencySettings settings, ReplicaStates states, LongSupplier clockMillis,
			LongConsumer primaryReached) {
		this.settings = settings;
		this.states = states;
		this.clockMillis = clockMillis;
		this.primaryReached = primaryReached;
		this.windowMillis = settings.window().toMillis();
	}

	/**
	 * Whether writes record tokens at all.
	 * @return {@code false} in mode {@code none}
	 */
	public boolean records() {
		return this.settings.mode() != ConsistencyMode.NONE;
	}

	/**
	 * Whether a write records only the time, not the primary's position.
	 * @return {@code true} in mode {@code window}
	 */
	public boolean recordsTimeOnly() {
		return this.settings.mode() == ConsistencyMode.WINDOW;
	}

	/**
	 * Commit a transaction on the primary and, if it wrote, record its token in the
	 * current scope, all in the round trip of the commit: whether the transaction wrote
	 * ({@code pg_current_xact_id_if_assigned()}, which is null until it writes), then
	 * {@code COMMIT}, then the primary's position ({@code pg_current_wal_insert_lsn()})
	 * go to the server together.
	 * @param primary the physical connection, inside the transaction to commit
	 * @throws SQLException if the commit fails, as {@link Connection#commit()} would
	 */
	public void commitAndRecord(Connection primary) throws SQLException {
		boolean wrote;
		Long position = null;
		// Prepared, so that a driver that keeps prepared statements on the server
		// (pgjdbc,
		// after prepareThreshold uses on a connection) does not parse and plan the three
		// statements at every commit.
		try (PreparedStatement statement = primary
			.prepareStatement(recordsTimeOnly() ? WROTE_THEN_COMMIT : WROTE_THEN_COMMIT_THEN_POSITION)) {
			boolean resultSet = statement.execute();
			wrote = resultSet && wrote(statement.getResultSet());
			if (wrote && !recordsTimeOnly()) {
				resultSet = statement.getMoreResults();
				while (!resultSet && statement.getUpdateCount() != -1) {
					resultSet = statement.getMoreResults();
				}
				position = resultSet ? position(statement.getResultSet()) : null;
			}
		}
		if (!wrote) {
			return;
		}
		ConsistencyScope scope = ConsistencyScope.currentOrNew();
		if (position != null) {
			record(primary, position, scope);
		}
		else {
			recordTimeOnly(recordsTimeOnly() ? null : "the primary did not answer with its WAL position", scope);
		}
	}

	private static boolean wrote(@Nullable ResultSet row) throws SQLException {
		return row == null || !row.next() || row.getBoolean(1);
	}

	/**
	 * Record the token of work that committed on the primary, asking the primary for its
	 * position ({@code pg_current_wal_insert_lsn()}, one round trip). If that fails, the
	 * scope's reads stay on the primary for {@code window}.
	 * @param primary the physical connection the work ran on, its work committed
	 */
	public void recordAfterCommit(Connection primary) {
		recordAfterCommit(primary, ConsistencyScope.currentOrNew());
	}

	/**
	 * Work outside a transaction wrote on the primary, on a connection that stays bound:
	 * until its position is recorded ({@link #recordUnrecordedWrite}), the current
	 * scope's reads stay on the primary.
	 * @return the scope to record the position in
	 */
	public ConsistencyScope writeUnrecorded() {
		ConsistencyScope scope = ConsistencyScope.currentOrNew();
		scope.writeUnrecorded();
		return scope;
	}

	/**
	 * The binding that wrote outside a transaction ends: record its position in the scope
	 * it wrote in, as {@link #recordAfterCommit(Connection)} does.
	 * @param primary the physical connection, still open
	 * @param scope what {@link #writeUnrecorded()} returned
	 */
	public void recordUnrecordedWrite(Connection primary, ConsistencyScope scope) {
		try {
			recordAfterCommit(primary, scope);
		}
		finally {
			scope.writeRecorded();
		}
	}

	/**
	 * The connection that wrote outside a transaction was lost or aborted before its
	 * position was read: the scope's reads stay on the primary for {@code window}.
	 * @param scope what {@link #writeUnrecorded()} returned
	 */
	public void unrecordedWriteLost(ConsistencyScope scope) {
		try {
			recordTimeOnly("the connection of a write outside a transaction ended before its WAL position was read",
					scope);
		}
		finally {
			scope.writeRecorded();
		}
	}

	private void recordAfterCommit(Connection primary, ConsistencyScope scope) {
		if (recordsTimeOnly()) {
			recordTimeOnly(null, scope);
			return;
		}
		try {
			try (PreparedStatement statement = primary.prepareStatement(INSERT_POSITION);
					ResultSet row = statement.executeQuery()) {
				Long position = position(row);
				if (position != null) {
					record(primary, position, scope);
				}
				else {
					recordTimeOnly("the primary did not answer with its WAL position", scope);
				}
			}
			finally {
				if (!primary.getAutoCommit()) {
					// The query began a transaction: end it, so that the next one starts
					// clean.
					primary.rollback();
				}
			}
		}
		catch (SQLException ex) {
			recordTimeOnly("reading the primary's WAL position failed: " + ex.getMessage() + " (SQLSTATE "
					+ ex.getSQLState() + ")", scope);
		}
	}

	static @Nullable Long position(@Nullable ResultSet row) throws SQLException {
		if (row == null || !row.next()) {
			return null;
		}
		String lsn = row.getString(1);
		try {
			return (lsn != null) ? WalPositions.parse(lsn) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private void record(Connection primary, long insertPosition, ConsistencyScope scope) {
		ClusterIdentity identity = this.states.identity();
		if (identity == null) {
			try {
				identity = ClusterIdentity.read(primary);
				this.states.identify(identity);
				if (!primary.getAutoCommit()) {
					// The query began a transaction: end it, so that the next one starts
					// clean.
					primary.rollback();
				}
			}
			catch (SQLException ex) {
				recordTimeOnly("reading the cluster's identity failed: " + ex.getMessage() + " (SQLSTATE "
						+ ex.getSQLState() + ")", scope);
				return;
			}
		}
		long position = identity.replayablePosition(insertPosition);
		this.primaryReached.accept(position);
		scope.record(new ConsistencyToken(identity.systemIdentifier(), identity.timeline(), position,
				this.clockMillis.getAsLong()));
	}

	/**
	 * Record that a scope wrote without a known position: its reads stay on the primary
	 * for {@code window}.
	 * @param why why no position is known, logged; {@code null} in mode {@code window}
	 */
	private void recordTimeOnly(@Nullable String why, ConsistencyScope scope) {
		if (why != null) {
			logger.warn("Reads that follow this write stay on the primary for " + this.windowMillis
					+ " ms (routing-pools.consistency.window): " + why);
		}
		ClusterIdentity identity = this.states.identity();
		scope.record(new ConsistencyToken((identity != null) ? identity.systemIdentifier() : 0,
				(identity != null) ? identity.timeline() : 0, 0, this.clockMillis.getAsLong()));
	}

}
