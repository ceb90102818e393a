package io.routingpools.routing;

import java.sql.Connection;

/**
 * What a PostgreSQL hot standby refuses to run that is known before a statement runs: a
 * serializable transaction ("cannot use serializable mode in a hot standby", SQLSTATE
 * {@code 0A000}, which HikariCP treats as fatal for the connection). Everything else a
 * standby refuses (writes, {@code nextval}, {@code LISTEN}/{@code NOTIFY}, explicit locks
 * stronger than {@code ROW EXCLUSIVE}, two-phase commit) is in the statement itself and
 * fails there with PostgreSQL's error.
 */
final class HotStandby {

	private HotStandby() {
	}

	/**
	 * Whether a standby can run work with the given isolation.
	 * @param isolation a {@link Connection} isolation level, or
	 * {@link RoutingDataSource#UNKNOWN_ISOLATION} when it is not known yet
	 * @return {@code false} for serializable isolation
	 */
	static boolean canRun(int isolation) {
		return isolation != Connection.TRANSACTION_SERIALIZABLE;
	}

}
