package io.routingpools.tenant;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a session carries of a tenant, asked on the connection that does the work: which
 * pool and backend serve it, the value of {@code app.tenant_id} and the tenants whose
 * rows it can read in {@value TenantRows#TABLE}.
 *
 * @param pool the session's {@code application_name}, which is its pool's name
 * @param pid the backend's process id ({@code pg_backend_pid()}): the same pid is the
 * same physical connection
 * @param inRecovery whether the server is a standby
 * @param setting {@code current_setting('app.tenant_id', true)}: {@code null} if never
 * set in the session, {@code ''} once reset
 * @param visibleTenants the tenants whose rows the session reads, in order
 */
record SessionState(String pool, int pid, boolean inRecovery, @Nullable String setting, List<String> visibleTenants) {

	private static final String QUERY = "SELECT current_setting('application_name'), pg_backend_pid(), "
			+ "pg_is_in_recovery(), current_setting('app.tenant_id', true), " + "array(SELECT DISTINCT tenant_id FROM "
			+ TenantRows.TABLE + " ORDER BY 1)";

	/**
	 * Ask a connection.
	 * @param connection the connection
	 * @return its state
	 * @throws SQLException if the query fails
	 */
	static SessionState of(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(QUERY)) {
			row.next();
			return of(row);
		}
	}

	/**
	 * Prepare the question, to ask it later with {@link #of(PreparedStatement)}.
	 * @param connection the connection
	 * @return the statement
	 * @throws SQLException if preparing fails
	 */
	static PreparedStatement prepare(Connection connection) throws SQLException {
		return connection.prepareStatement(QUERY);
	}

	/**
	 * Ask with a statement of {@link #prepare(Connection)}.
	 * @param statement the statement
	 * @return the state of its session
	 * @throws SQLException if the query fails
	 */
	static SessionState of(PreparedStatement statement) throws SQLException {
		try (ResultSet row = statement.executeQuery()) {
			row.next();
			return of(row);
		}
	}

	/**
	 * Ask the connection a {@code JdbcTemplate} uses (the transaction's, if one is under
	 * way).
	 * @param jdbc the template
	 * @return the state
	 */
	static SessionState of(JdbcTemplate jdbc) {
		SessionState state = jdbc.queryForObject(QUERY, (row, number) -> of(row));
		if (state == null) {
			throw new IllegalStateException("No row");
		}
		return state;
	}

	/**
	 * Ask a connection of a pool directly, past the routing DataSource: the physical
	 * truth of what the pool lends next. With one connection per pool, it is the
	 * connection the work before used, unless that one was evicted.
	 * @param context the application
	 * @param pool the pool's name
	 * @return the state
	 * @throws SQLException if borrowing or the query fails
	 */
	static SessionState ofPool(ApplicationContext context, String pool) throws SQLException {
		DataSource physical = context.getBean("routingPools." + pool, DataSource.class);
		try (Connection connection = physical.getConnection()) {
			return of(connection);
		}
	}

	private static SessionState of(ResultSet row) throws SQLException {
		Array tenants = row.getArray(5);
		try {
			return new SessionState(row.getString(1), row.getInt(2), row.getBoolean(3), row.getString(4),
					List.of((String[]) tenants.getArray()));
		}
		finally {
			tenants.free();
		}
	}

	/**
	 * Whether the session carries no tenant: the setting is unset or reset.
	 * @return {@code true} if a policy on {@code NULLIF(setting, '')} sees no tenant
	 */
	boolean carriesNoTenant() {
		return this.setting == null || this.setting.isEmpty();
	}

}
