package io.routingpools.replica;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the replica monitor last knew of the primary, from its own connection: an
 * immutable snapshot, replaced at every check.
 *
 * @param reachable whether the last check reached a primary that is not in recovery, or
 * {@code null} before the first check
 * @param reason what the last check found, for logs and health details (never a secret)
 * @param checkedAt when it was last checked, or {@code null} before the first check
 * @param walLsn the primary's WAL write position ({@code pg_current_wal_lsn()}) at the
 * last successful check, or {@code null} when not known
 */
public record PrimaryStatus(@Nullable Boolean reachable, String reason, @Nullable Instant checkedAt,
		@Nullable String walLsn) {

	/** The status before the first check. */
	public static final PrimaryStatus NOT_CHECKED_YET = new PrimaryStatus(null, "not checked yet", null, null);

}
