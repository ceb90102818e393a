package io.routingpools.consistency;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a read must see to follow the writes of its scope: the primary's WAL insert
 * position ({@code pg_current_wal_insert_lsn()}) after the scope's last committed write,
 * or, when no position is known ({@code consistency.mode: window}, or reading the
 * position failed), only the time of that write, and reads then stay on the primary for
 * {@code consistency.window}. Immutable.
 * <p>
 * Its text form, as the web filter writes it to the {@code rp-consistency} cookie or the
 * {@code X-Routing-Consistency} header, is
 * {@code v1.<system-identifier>.<timeline>.<lsn-hex>.<issued-epoch-ms>}, for example
 * {@code v1.7713990516384802699.1.5DADC0.1796040000000}: the cluster's system identifier
 * ({@code pg_control_system()}, in decimal), the primary's timeline, the WAL position in
 * hexadecimal as a 64-bit byte offset ({@code 0} when only the time is known) and when
 * the token was issued, in milliseconds since the epoch.
 * <p>
 * Carry it to other work (a message, a batch step, another application instance) with
 * {@link #current()}, {@link #serialize()}, {@link #parse(String)} and
 * {@link ConsistencyScope#run(ConsistencyToken, Runnable)}.
 */
public final class ConsistencyToken {

	private static final String VERSION = "v1";

	private final long systemIdentifier;

	private final int timeline;

	private final long lsn;

	private final long issuedAtMillis;

	/**
	 * Create a token.
	 * @param systemIdentifier the cluster's system identifier (an unsigned 64-bit
	 * number), or {@code 0} when not known
	 * @param timeline the primary's timeline, or {@code 0} when not known
	 * @param lsn the WAL position as a byte offset, or {@code 0} when only the time is
	 * known
	 * @param issuedAtMillis when the write committed, in milliseconds since the epoch
	 */
	public ConsistencyToken(long systemIdentifier, int timeline, long lsn, long issuedAtMillis) {
		if (timeline < 0 || lsn < 0) {
			throw new IllegalArgumentException("Timeline and WAL position must not be negative");
		}
		this.systemIdentifier = systemIdentifier;
		this.timeline = timeline;
		this.lsn = lsn;
		this.issuedAtMillis = issuedAtMillis;
	}

	/**
	 * The token of the current scope (the thread, or the web request): what the writes
	 * committed in it so far require of a read.
	 * @return the token, or {@code null} when nothing was written in the scope
	 */
	public static @Nullable ConsistencyToken current() {
		ConsistencyScope scope = ConsistencyScope.current();
		return (scope != null) ? scope.token() : null;
	}

	/**
	 * Read a token from its text form. Only the syntax is checked here: whether the token
	 * still applies (its age, its cluster, its position) is decided where it is used, and
	 * a token that does not is ignored there.
	 * @param text the text form, as {@link #serialize()} writes it
	 * @return the token
	 * @throws IllegalArgumentException if the text is not a token of this version
	 */
	public static ConsistencyToken parse(String text) {
		Objects.requireNonNull(text, "text");
		String[] parts = text.trim().split("\\.", -1);
		if (parts.length != 5 || !VERSION.equals(parts[0])) {
			throw new IllegalArgumentException("Not a routing-pools consistency token ("
					+ "v1.<system-identifier>.<timeline>.<lsn-hex>.<issued-epoch-ms>): " + abbreviate(text));
		}
		try {
			long systemIdentifier = Long.parseUnsignedLong(parts[1]);
			int timeline = Integer.parseInt(parts[2]);
			long lsn = Long.parseUnsignedLong(parts[3], 16);
			long issuedAt = Long.parseLong(parts[4]);
			return new ConsistencyToken(systemIdentifier, timeline, lsn, issuedAt);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Not a routing-pools consistency token ("
							+ "v1.<system-identifier>.<timeline>.<lsn-hex>.<issued-epoch-ms>): " + abbreviate(text),
					ex);
		}
	}

	private static String abbreviate(String text) {
		return (text.length() <= 80) ? text : text.substring(0, 80) + "...";
	}

	/**
	 * The text form, safe in a cookie or a header.
	 * @return {@code v1.<system-identifier>.<timeline>.<lsn-hex>.<issued-epoch-ms>}
	 */
	public String serialize() {
		return VERSION + "." + Long.toUnsignedString(this.systemIdentifier) + "." + this.timeline + "."
				+ Long.toHexString(this.lsn).toUpperCase(java.util.Locale.ROOT) + "." + this.issuedAtMillis;
	}

	/**
	 * The cluster's system identifier ({@code pg_control_system()}).
	 * @return an unsigned 64-bit number, or {@code 0} when it was not known
	 */
	public long systemIdentifier() {
		return this.systemIdentifier;
	}

	/**
	 * The primary's timeline when the token was issued.
	 * @return the timeline, or {@code 0} when it was not known
	 */
	public int timeline() {
		return this.timeline;
	}

	/**
	 * The WAL position a replica must have replayed ({@code pg_last_wal_replay_lsn()}).
	 * @return a byte offset, or {@code 0} when only the time is known
	 */
	public long lsn() {
		return this.lsn;
	}

	/**
	 * Whether the token holds a WAL position, rather than only the time of the write.
	 * @return {@code true} if {@link #lsn()} is set
	 */
	public boolean hasPosition() {
		return this.lsn != 0;
	}

	/**
	 * When the write committed.
	 * @return milliseconds since the epoch
	 */
	public long issuedAtMillis() {
		return this.issuedAtMillis;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ConsistencyToken that && this.systemIdentifier == that.systemIdentifier
				&& this.timeline == that.timeline && this.lsn == that.lsn && this.issuedAtMillis == that.issuedAtMillis;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.systemIdentifier, this.timeline, this.lsn, this.issuedAtMillis);
	}

	@Override
	public String toString() {
		return serialize();
	}

}
