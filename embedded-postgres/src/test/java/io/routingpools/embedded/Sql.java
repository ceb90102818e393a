package io.routingpools.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One-line SQL against a node, for tests. */
final class Sql {

	private Sql() {
	}

	static void execute(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** The first column of the first row, as text. */
	static String query(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect()) {
			return query(connection, sql);
		}
	}

	static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

	static long count(PostgresNode node, String table) throws SQLException {
		return Long.parseLong(query(node, "SELECT count(*) FROM " + table));
	}

}
