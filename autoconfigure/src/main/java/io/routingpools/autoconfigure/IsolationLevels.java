package io.routingpools.autoconfigure;

import java.sql.Connection;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code transaction-isolation} setting. Accepted, ignoring case and surrounding
 * blanks: the name of a {@link Connection} isolation constant with or without its
 * {@code TRANSACTION_} prefix ({@code TRANSACTION_READ_COMMITTED},
 * {@code read_committed}), or the constant's number ({@code 2}). HikariCP itself accepts
 * fewer spellings (7.0.2 refuses a name without the prefix), so a pool gets the setting
 * as the prefixed constant name ({@link #toHikari(String)}): what the startup checks
 * accept is what HikariCP accepts.
 */
final class IsolationLevels {

	/** The accepted values, for messages. */
	static final String ACCEPTED = "READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE or READ_UNCOMMITTED "
			+ "(any case, with or without the TRANSACTION_ prefix), or the JDBC level 2, 4, 8 or 1";

	private static final String PREFIX = "TRANSACTION_";

	private IsolationLevels() {
	}

	/**
	 * Parse an isolation setting.
	 * @param value the setting
	 * @return the {@link Connection} constant
	 * @throws IllegalArgumentException if the value names no isolation level
	 */
	static int parse(String value) {
		Integer level = level(value);
		if (level == null) {
			throw new IllegalArgumentException("Unknown transaction isolation '" + value + "'; use " + ACCEPTED);
		}
		return level;
	}

	/**
	 * Whether a setting names an isolation level.
	 * @param value the setting
	 * @return {@code true} if {@link #parse(String)} accepts it
	 */
	static boolean isLevel(String value) {
		return level(value) != null;
	}

	/**
	 * The setting as HikariCP reads it: the {@link Connection} constant name, such as
	 * {@code TRANSACTION_READ_COMMITTED}, for any accepted spelling. A value that names
	 * no level is returned unchanged: the startup checks report it.
	 * @param value the setting
	 * @return the constant name, or the value itself
	 */
	static String toHikari(String value) {
		Integer level = level(value);
		return (level != null) ? PREFIX + name(level) : value;
	}

	private static @Nullable Integer level(String value) {
		String name = value.trim().toUpperCase(Locale.ROOT);
		return switch (name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name) {
			case "READ_UNCOMMITTED", "1" -> Connection.TRANSACTION_READ_UNCOMMITTED;
			case "READ_COMMITTED", "2" -> Connection.TRANSACTION_READ_COMMITTED;
			case "REPEATABLE_READ", "4" -> Connection.TRANSACTION_REPEATABLE_READ;
			case "SERIALIZABLE", "8" -> Connection.TRANSACTION_SERIALIZABLE;
			default -> null;
		};
	}

	private static String name(int level) {
		return switch (level) {
			case Connection.TRANSACTION_READ_UNCOMMITTED -> "READ_UNCOMMITTED";
			case Connection.TRANSACTION_READ_COMMITTED -> "READ_COMMITTED";
			case Connection.TRANSACTION_REPEATABLE_READ -> "REPEATABLE_READ";
			case Connection.TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
			default -> throw new IllegalArgumentException("Not an isolation level: " + level);
		};
	}

}
