package io.routingpools.replica;

import java.util.Locale;

/**
 * WAL positions ({@code pg_lsn}) as PostgreSQL writes them, {@code X/Y} in hexadecimal,
 * turned into byte offsets that can be subtracted.
 */
public final class WalPositions {

	private WalPositions() {
	}

	/**
	 * Parse a {@code pg_lsn} text.
	 * @param lsn such as {@code 0/3000148}
	 * @return the byte position
	 * @throws IllegalArgumentException if the text is not a WAL position
	 */
	public static long parse(String lsn) {
		int slash = lsn.indexOf('/');
		if (slash <= 0 || slash == lsn.length() - 1) {
			throw new IllegalArgumentException("Not a WAL position: " + lsn);
		}
		long high = Long.parseLong(lsn.substring(0, slash), 16);
		long low = Long.parseLong(lsn.substring(slash + 1), 16);
		return (high << 32) | low;
	}

	/**
	 * Write a byte position as PostgreSQL does.
	 * @param position the byte position
	 * @return such as {@code 0/3000148}
	 */
	public static String format(long position) {
		return Long.toHexString(position >>> 32).toUpperCase(Locale.ROOT) + "/"
				+ Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
	}

}
