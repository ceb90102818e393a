package io.routingpools.routing;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

/**
 * Makes PostgreSQL's "cannot execute ... in a read-only transaction" error (SQLSTATE
 * 25006) say which pool served the connection and why it was routed there. The SQLSTATE,
 * vendor code and original error (as the cause) are kept; nothing is retried.
 */
final class WrongNodeErrors {

	private WrongNodeErrors() {
	}

	static SQLException enrich(SQLException ex, Route route) {
		if (!SqlStates.READ_ONLY_SQL_TRANSACTION.equals(ex.getSQLState())) {
			return ex;
		}
		String message = ex.getMessage() + " [routing-pools: connection from " + route.describe() + hint(route) + "]";
		SQLException enriched = (ex instanceof BatchUpdateException batch) ? new BatchUpdateException(message,
				ex.getSQLState(), ex.getErrorCode(), batch.getLargeUpdateCounts(), ex)
				: new SQLException(message, ex.getSQLState(), ex.getErrorCode(), ex);
		// The driver chains the other errors of a batch ("Call getNextException ...").
		SQLException next = ex.getNextException();
		if (next != null) {
			enriched.setNextException(next);
		}
		return enriched;
	}

	private static String hint(Route route) {
		return switch (route.reason()) {
			case READ_ONLY, FALLBACK, STANDBY_UNSUPPORTED, CONSISTENCY ->
				"; the work is marked read-only (for example @Transactional(readOnly = true))"
						+ " but writes: remove readOnly or move the write out";
			case AUTO_COMMIT_READ -> "; its SQL was taken for a plain read, but the statement writes: run it in a "
					+ "transaction, or set routing-pools.routing.auto-commit-reads to primary";
			case EXPLICIT -> "; the pool it was explicitly routed to does not accept writes";
			case TENANT -> "; the tenant's dedicated database does not accept writes (is its URL a standby?)";
			case WRITE -> "";
		};
	}

}
