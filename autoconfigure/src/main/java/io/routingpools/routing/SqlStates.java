package io.routingpools.routing;

/**
 * The SQLSTATEs the routing layer raises or reacts to, named as PostgreSQL names them
 * (Appendix A of its documentation). Every {@code SQLException} the starter throws
 * carries one.
 */
final class SqlStates {

	/**
	 * {@code sqlclient_unable_to_establish_sqlconnection}: no replica could serve a read.
	 */
	static final String UNABLE_TO_CONNECT = "08001";

	/**
	 * {@code connection_does_not_exist}: the logical or the physical connection is
	 * closed.
	 */
	static final String CONNECTION_DOES_NOT_EXIST = "08003";

	/** {@code feature_not_supported}: what the routing DataSource refuses. */
	static final String FEATURE_NOT_SUPPORTED = "0A000";

	/** {@code active_sql_transaction}: another pool named inside a transaction. */
	static final String ACTIVE_SQL_TRANSACTION = "25001";

	/** {@code read_only_sql_transaction}: a write reached a replica or read-only work. */
	static final String READ_ONLY_SQL_TRANSACTION = "25006";

	/**
	 * {@code no_active_sql_transaction}: commit or rollback in auto-commit, as pgjdbc
	 * says.
	 */
	static final String NO_ACTIVE_SQL_TRANSACTION = "25P01";

	/**
	 * {@code serialization_failure}: on a hot standby, a query canceled because of a
	 * conflict with recovery.
	 */
	static final String SERIALIZATION_FAILURE = "40001";

	/**
	 * {@code insufficient_privilege}: work of one tenant named another tenant's dedicated
	 * pool, as PostgreSQL answers work its role may not do.
	 */
	static final String INSUFFICIENT_PRIVILEGE = "42501";

	/**
	 * {@code invalid_catalog_name}: an explicit route names no pool, as a connection
	 * naming no database would. (Class 42 would make Spring blame the SQL.)
	 */
	static final String NO_SUCH_POOL = "3D000";

	private SqlStates() {
	}

}
