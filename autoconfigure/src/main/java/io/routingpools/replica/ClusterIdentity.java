package io.routingpools.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What identifies the primary's cluster and shapes its WAL: read once per connection the
 * monitor opens to the primary, or by the first token recorded when the monitor has not
 * read it yet.
 *
 * @param systemIdentifier the cluster's system identifier
 * ({@code pg_control_system().system_identifier}), shared by the primary and its
 * replicas, an unsigned 64-bit number
 * @param timeline the primary's timeline, from the name of its current WAL file
 * ({@code pg_walfile_name(pg_current_wal_lsn())})
 * @param walSegmentSize WAL segment size in bytes ({@code wal_segment_size})
 * @param walBlockSize WAL page size in bytes ({@code wal_block_size})
 */
public record ClusterIdentity(long systemIdentifier, int timeline, long walSegmentSize, long walBlockSize) {

	private static final String QUERY = "SELECT system.system_identifier, "
			+ "substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8), current_setting('wal_segment_size', true), "
			+ "current_setting('wal_block_size', true) FROM pg_control_system() AS system";

	/** Size of a WAL page header ({@code SizeOfXLogShortPHD}). */
	static final long SHORT_PAGE_HEADER = 24;

	/** Size of the header of a segment's first page ({@code SizeOfXLogLongPHD}). */
	static final long LONG_PAGE_HEADER = 40;

	/**
	 * Read the identity of the primary a connection reaches. Any role may run the query.
	 * @param primary a connection to the primary, in auto-commit mode or inside a
	 * transaction it does not disturb
	 * @return the identity
	 * @throws SQLException if the query fails, for example {@code 55000} on a node in
	 * recovery
	 */
	public static ClusterIdentity read(Connection primary) throws SQLException {
		try (Statement statement = primary.createStatement(); ResultSet row = statement.executeQuery(QUERY)) {
			if (!row.next()) {
				throw new SQLException("pg_control_system() returned no row", "XX000");
			}
			return new ClusterIdentity(Long.parseUnsignedLong(row.getString(1)), Integer.parseInt(row.getString(2), 16),
					bytes(row.getString(3), 16L * 1024 * 1024), bytes(row.getString(4), 8192));
		}
		catch (NumberFormatException ex) {
			throw new SQLException("Unexpected answer to the cluster identity query: " + ex.getMessage(), "XX000", ex);
		}
	}

	// current_setting() answers with a unit ("16MB", "8192").
	private static long bytes(@Nullable String setting, long otherwise) {
		if (setting == null || setting.isEmpty()) {
			return otherwise;
		}
		String text = setting.trim().toUpperCase(Locale.ROOT);
		long unit = 1;
		if (text.endsWith("KB")) {
			unit = 1024;
		}
		else if (text.endsWith("MB")) {
			unit = 1024 * 1024;
		}
		else if (text.endsWith("GB")) {
			unit = 1024L * 1024 * 1024;
		}
		String digits = (unit == 1) ? text.replace("B", "") : text.substring(0, text.length() - 2);
		return Long.parseLong(digits.trim()) * unit;
	}

	/**
	 * A WAL insert position ({@code pg_current_wal_insert_lsn()}) as a replica reports
	 * having replayed it: a position right after a page header (24 bytes, or 40 at the
	 * start of a segment) is where the next record will go, while a replica that has
	 * replayed everything reports the page boundary before the header. Without this, an
	 * idle primary would keep every read that follows a write off caught-up replicas.
	 * @param insertPosition the insert position, as a byte offset
	 * @return the position a replica that replayed everything before it reports
	 */
	public long replayablePosition(long insertPosition) {
		if (this.walSegmentSize > 0 && insertPosition % this.walSegmentSize == LONG_PAGE_HEADER) {
			return insertPosition - LONG_PAGE_HEADER;
		}
		if (this.walBlockSize > 0 && insertPosition % this.walBlockSize == SHORT_PAGE_HEADER) {
			return insertPosition - SHORT_PAGE_HEADER;
		}
		return insertPosition;
	}

}
