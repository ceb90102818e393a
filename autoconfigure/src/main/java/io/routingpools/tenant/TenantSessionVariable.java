package io.routingpools.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Carries the tenant id to the database in a setting that row-level security policies
 * read ({@code routing-pools.tenants.session-variable}, for example
 * {@code app.tenant_id}), always as a bind parameter of {@code set_config}:
 * <ul>
 * <li>in a transaction, transaction-local ({@code set_config(name, id, true)}): gone at
 * commit or rollback, so safe under PgBouncer's transaction pooling;</li>
 * <li>in auto-commit work, for the session ({@code set_config(name, id, false)}), and
 * {@linkplain #reset(Connection) reset} to {@code ''} before the connection returns to
 * its pool.</li>
 * </ul>
 * {@code set_config} is neither a write nor a lock: it runs on a hot standby and for an
 * ordinary role. A setting never set reads as NULL with
 * {@code current_setting(name, true)}, one reset reads as {@code ''}: policies use
 * {@code NULLIF(current_setting('app.tenant_id', true), '')}.
 */
public final class TenantSessionVariable {

	/**
	 * A custom setting: two or more identifiers joined by dots. PostgreSQL's own settings
	 * have no dot, so this cannot name {@code search_path} or {@code role}.
	 */
	private static final Pattern CUSTOM_SETTING = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)+");

	private static final String SET = "SELECT set_config(?, ?, ?)";

	private final String name;

	/**
	 * Create the binding of one setting.
	 * @param name a custom setting, {@code <prefix>.<name>}
	 * @throws IllegalArgumentException if it is not one
	 */
	public TenantSessionVariable(String name) {
		if (!isCustomSetting(name)) {
			throw new IllegalArgumentException("'" + name + "' is not a custom setting name such as app.tenant_id");
		}
		this.name = name;
	}

	/**
	 * Whether a name is a custom setting PostgreSQL accepts for {@code set_config}.
	 * @param name the name
	 * @return {@code true} for {@code <prefix>.<name>}
	 */
	public static boolean isCustomSetting(String name) {
		return CUSTOM_SETTING.matcher(name).matches();
	}

	public String name() {
		return this.name;
	}

	/**
	 * Set the tenant for the transaction under way (or beginning: in manual-commit mode
	 * this statement begins it).
	 * @param connection a physical connection in manual-commit mode
	 * @param tenant the tenant id
	 * @throws SQLException if the statement fails
	 */
	public void setForTransaction(Connection connection, String tenant) throws SQLException {
		set(connection, tenant, true);
	}

	/**
	 * Set the tenant for the session, until {@link #reset(Connection)}.
	 * @param connection a physical connection
	 * @param tenant the tenant id
	 * @throws SQLException if the statement fails
	 */
	public void setForSession(Connection connection, String tenant) throws SQLException {
		set(connection, tenant, false);
	}

	/**
	 * Reset the session's setting to {@code ''} before the connection returns to its
	 * pool. A transaction still open on the connection is rolled back first: a reset
	 * inside it would be undone with it.
	 * @param connection a physical connection
	 * @throws SQLException if the rollback or the statement fails: the caller must then
	 * not give the connection back to be used again
	 */
	public void reset(Connection connection) throws SQLException {
		if (!connection.getAutoCommit()) {
			connection.rollback();
		}
		set(connection, "", false);
		if (!connection.getAutoCommit()) {
			// The reset began a transaction of its own in manual-commit mode.
			connection.commit();
		}
	}

	private void set(Connection connection, String value, boolean local) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(SET)) {
			statement.setString(1, this.name);
			statement.setString(2, value);
			statement.setBoolean(3, local);
			statement.execute();
		}
	}

}
