package io.routingpools.autoconfigure;

import java.sql.Connection;
import java.util.Locale;

/**
 * Reads a transaction isolation setting the way HikariCP accepts it: a {@link Connection}
 * constant name ({@code TRANSACTION_READ_COMMITTED}, with or without the prefix) or its
 * number.
 */
final class IsolationLevels {

	private IsolationLevels() {
	}

	/**
	 * Parse an isolation setting.
	 * @param value the setting
	 * @return the {@link Connection} constant
	 * @throws IllegalArgumentException if the value names no isolation level
	 */
	static int parse(String value) {
		return switch (value.trim().toUpperCase(Locale.ROOT).replace("TRANSACTION_", "")) {
			case "READ_UNCOMMITTED", "1" -> Connection.TRANSACTION_READ_UNCOMMITTED;
			case "READ_COMMITTED", "2" -> Connection.TRANSACTION_READ_COMMITTED;
			case "REPEATABLE_READ", "4" -> Connection.TRANSACTION_REPEATABLE_READ;
			case "SERIALIZABLE", "8" -> Connection.TRANSACTION_SERIALIZABLE;
			default -> throw new IllegalArgumentException("Unknown transaction isolation '" + value + "'");
		};
	}

}
