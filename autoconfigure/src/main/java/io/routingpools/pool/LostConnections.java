package io.routingpools.pool;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * The one classification of "this node or this connection is gone", shared by the request
 * path's suspect marks, the evictions and the re-runs of read-only work.
 * <p>
 * An error counts when it, or an {@code SQLException} among its causes, carries:
 * <ul>
 * <li>SQLSTATE class {@code 08} (connection exception): pgjdbc's I/O errors (08006), a
 * connection closed or aborted under a call (08003), a refused connection (08001,
 * 08004);</li>
 * <li>{@code 57P01} {@code admin_shutdown}, {@code 57P02} {@code crash_shutdown} or
 * {@code 57P03} {@code cannot_connect_now}: PostgreSQL reports a node that is stopping,
 * restarting, crashing or still starting (HikariCP treats the same three as fatal).</li>
 * </ul>
 * Nothing else counts: a statement timeout ({@code 57014}), a query canceled on a hot
 * standby ({@code 40001}) or a saturated pool ({@code 53300}) leave the node in rotation.
 */
public final class LostConnections {

	private LostConnections() {
	}

	/**
	 * Whether the error says the node or the connection is gone.
	 * @param ex an error from the driver or from HikariCP
	 * @return {@code true} for a lost connection or a node going away
	 */
	public static boolean isLost(SQLException ex) {
		Throwable current = ex;
		for (int depth = 0; current != null && depth < 8; depth++) {
			if (current instanceof SQLException sqlException && isLostState(sqlException.getSQLState())) {
				return true;
			}
			current = current.getCause();
		}
		return false;
	}

	private static boolean isLostState(@Nullable String state) {
		if (state == null) {
			return false;
		}
		return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
	}

}
