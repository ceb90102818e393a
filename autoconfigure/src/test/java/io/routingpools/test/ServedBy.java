package io.routingpools.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which server and pool answered a query: asked on the same connection as the work.
 *
 * @param node the server's {@code cluster_name} ("primary", "replica-1", ...)
 * @param inRecovery whether the server is a standby
 * @param pool the session's {@code application_name}, which is the pool's name
 */
public record ServedBy(String node, boolean inRecovery, String pool) {

	public static ServedBy query(JdbcTemplate jdbc) {
		return jdbc.queryForObject(
				"select current_setting('cluster_name'), pg_is_in_recovery(), current_setting('application_name')",
				(rs, row) -> new ServedBy(rs.getString(1), rs.getBoolean(2), rs.getString(3)));
	}

	/**
	 * The node that serves a plain JDBC connection, asked on that connection.
	 * @param connection the connection
	 * @return the server's {@code cluster_name}
	 * @throws SQLException if the query fails
	 */
	public static String node(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select current_setting('cluster_name')")) {
			rs.next();
			return rs.getString(1);
		}
	}

	public boolean onReplica() {
		return this.inRecovery && this.node.startsWith("replica-");
	}

	public boolean onPrimary() {
		return !this.inRecovery && this.node.equals("primary");
	}

}
