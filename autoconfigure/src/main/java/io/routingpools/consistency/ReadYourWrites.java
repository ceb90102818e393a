package io.routingpools.consistency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.routingpools.pool.NamedPool;
import io.routingpools.replica.ClusterIdentity;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.WalPositions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The rules of read-after-write consistency (DESIGN section 5): which WAL position a read
 * in the current scope needs a replica to have replayed, whether a token from elsewhere
 * still applies, and asking a replica whether it has caught up. How a token is made after
 * a write: {@link TokenRecorder}.
 * <p>
 * A token is ignored when it is older than {@code token-max-age}, issued in the future,
 * from another cluster (its system identifier), or beyond the primary's current position:
 * a WAL position the monitor's latest sample of the primary has not reached although the
 * sample was taken well after the token was issued
 * ({@link #CLOCK_SKEW_ALLOWANCE_MILLIS}), which a forged token, or one issued by a
 * primary before a failover, shows. A token from outside that claims a position beyond
 * every one known here is checked against the primary at once ({@link #accept(String)}).
 * So no token can keep a client's reads on the primary for long.
 */
public final class ReadYourWrites {

	/** What {@link #requiredPosition()} answers when reads may go to any replica. */
	public static final long NOTHING_REQUIRED = 0;

	/**
	 * What {@link #requiredPosition()} answers when no replica can be known to follow the
	 * scope's writes: reads go to the primary.
	 */
	public static final long PRIMARY_REQUIRED = Long.MAX_VALUE;

	/**
	 * How far apart the clocks of two application instances may be: a token issued this
	 * long before a sample of the primary is judged by that sample.
	 */
	static final long CLOCK_SKEW_ALLOWANCE_MILLIS = 2000;

	// Polls of a replica that has not replayed a token yet: first after this, then twice
	// as long each time, up to max-wait.
	private static final long FIRST_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	private static final String REPLAY_POSITION = "SELECT pg_last_wal_replay_lsn()";

	private static final Log logger = LogFactory.getLog(ReadYourWrites.class);

	private final ConsistencySettings settings;

	private final ReplicaStates states;

	private final LongSupplier clockMillis;

	private final long windowMillis;

	private final long tokenMaxAgeMillis;

	private final long maxWaitNanos;

	private final @Nullable NamedPool primary;

	// The highest position this instance knows the primary reached, besides the monitor's
	// sample: positions it recorded, and positions it asked the primary for. A token up
	// to
	// it is not beyond the primary.
	private final AtomicLong knownPrimaryPosition = new AtomicLong();

	private final TokenRecorder recorder;

	/**
	 * Create the rules.
	 * @param settings {@code routing-pools.consistency.*}
	 * @param states replica positions and the primary's identity and position
	 * @param primary the primary pool, asked for its current position when a token from
	 * outside claims a position beyond every one known here; {@code null} to judge such a
	 * token by the monitor's samples only
	 */
	public ReadYourWrites(ConsistencySettings settings, ReplicaStates states, @Nullable NamedPool primary) {
		this(settings, states, primary, System::currentTimeMillis);
	}

	ReadYourWrites(ConsistencySettings settings, ReplicaStates states, @Nullable NamedPool primary,
			LongSupplier clockMillis) {
		this.settings = settings;
		this.states = states;
		this.primary = primary;
		this.clockMillis = clockMillis;
		this.windowMillis = settings.window().toMillis();
		this.tokenMaxAgeMillis = settings.tokenMaxAge().toMillis();
		this.maxWaitNanos = settings.maxWait().toNanos();
		this.recorder = new TokenRecorder(settings, states, clockMillis, this::primaryReached);
	}

	public ConsistencySettings settings() {
		return this.settings;
	}

	/**
	 * The WAL position a replica must have replayed to serve a read in the current scope.
	 * Called for every read-only binding: reads a thread-local, and nothing more when the
	 * scope has written nothing.
	 * @return {@link #NOTHING_REQUIRED}, {@link #PRIMARY_REQUIRED}, or a byte position
	 */
	public long requiredPosition() {
		ConsistencyScope scope = ConsistencyScope.current();
		if (scope == null || this.settings.mode() == ConsistencyMode.NONE) {
			return NOTHING_REQUIRED;
		}
		if (scope.hasUnrecordedWrites()) {
			return PRIMARY_REQUIRED;
		}
		ConsistencyToken token = scope.token();
		if (token == null) {
			return NOTHING_REQUIRED;
		}
		long now = this.clockMillis.getAsLong();
		if (!token.hasPosition() || this.settings.mode() == ConsistencyMode.WINDOW) {
			return (now - token.issuedAtMillis() < this.windowMillis) ? PRIMARY_REQUIRED : NOTHING_REQUIRED;
		}
		return (rejection(token, now) == null) ? token.lsn() : NOTHING_REQUIRED;
	}

	/**
	 * Read a token that arrived from outside (a cookie, a header), if it still applies. A
	 * token whose position is beyond every position known here is checked against the
	 * primary's current position ({@code pg_current_wal_insert_lsn()}, one round trip on
	 * a connection of the primary pool), so that a forged token is ignored at once; a
	 * genuine one is that fresh only just after a write on another instance.
	 * @param text the token's text form, or {@code null}
	 * @return the token, or {@code null} when there is none, it is malformed, or it is
	 * ignored by the rules above
	 */
	public @Nullable ConsistencyToken accept(@Nullable String text) {
		if (text == null || text.isEmpty()) {
			return null;
		}
		ConsistencyToken token;
		try {
			token = ConsistencyToken.parse(text);
		}
		catch (IllegalArgumentException ex) {
			logger.debug("Ignoring a consistency token: " + ex.getMessage());
			return null;
		}
		String rejection = rejection(token, this.clockMillis.getAsLong());
		if (rejection == null && !token.hasPosition() && this.settings.mode() == ConsistencyMode.LSN) {
			// Anyone can make one: it would keep the client's reads on the primary.
			rejection = "it holds no WAL position, which mode lsn needs from outside";
		}
		if (rejection == null && token.hasPosition() && token.lsn() > knownPrimaryPosition()) {
			rejection = beyondCurrentPrimary(token);
		}
		if (rejection != null) {
			if (logger.isDebugEnabled()) {
				logger.debug("Ignoring consistency token " + token + ": " + rejection);
			}
			return null;
		}
		return token;
	}

	/**
	 * Why a token does not apply now.
	 * @return the reason, or {@code null} when it applies
	 */
	private @Nullable String rejection(ConsistencyToken token, long now) {
		long age = now - token.issuedAtMillis();
		if (age > this.tokenMaxAgeMillis) {
			return "older than token-max-age (" + this.tokenMaxAgeMillis + " ms)";
		}
		if (-age > CLOCK_SKEW_ALLOWANCE_MILLIS) {
			return "issued in the future";
		}
		ClusterIdentity identity = this.states.identity();
		if (identity != null && identity.systemIdentifier() != token.systemIdentifier()) {
			return "issued by another cluster (system identifier " + Long.toUnsignedString(token.systemIdentifier())
					+ ", this one is " + Long.toUnsignedString(identity.systemIdentifier()) + ")";
		}
		if (token.hasPosition() && token.lsn() > knownPrimaryPosition()) {
			long sampledAt = this.states.primarySampledAtMillis();
			if (sampledAt != 0 && token.issuedAtMillis() < sampledAt - CLOCK_SKEW_ALLOWANCE_MILLIS) {
				return "its WAL position " + WalPositions.format(token.lsn()) + " is beyond the primary's ("
						+ WalPositions.format(this.states.primaryPosition()) + ")";
			}
		}
		return null;
	}

	private long knownPrimaryPosition() {
		return Math.max(this.knownPrimaryPosition.get(), this.states.primaryPosition());
	}

	/**
	 * Ask the primary whether a token's position is beyond its current one.
	 * @return the reason to ignore the token, or {@code null} when it is not beyond, or
	 * the primary cannot be asked
	 */
	private @Nullable String beyondCurrentPrimary(ConsistencyToken token) {
		NamedPool pool = this.primary;
		if (pool == null) {
			return null;
		}
		Long current = null;
		try {
			Connection connection = pool.borrow();
			try (PreparedStatement statement = connection.prepareStatement(TokenRecorder.INSERT_POSITION);
					ResultSet row = statement.executeQuery()) {
				current = TokenRecorder.position(row);
			}
			finally {
				connection.close();
				pool.returned(connection);
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not ask pool '" + pool.name() + "' for the primary's WAL position", ex);
		}
		if (current == null) {
			return null;
		}
		primaryReached(current);
		return (token.lsn() > current) ? "its WAL position " + WalPositions.format(token.lsn())
				+ " is beyond the primary's current one (" + WalPositions.format(current) + ")" : null;
	}

	/**
	 * Wait for a replica to replay a position, asking it on the connection a read
	 * borrowed ({@code pg_last_wal_replay_lsn()}, one round trip per poll), for up to
	 * {@code max-wait}. What it answers moves the replica's known position forward for
	 * later reads.
	 * @param replica the replica's pool
	 * @param connection the connection borrowed from it, with the work's settings
	 * applied: in manual-commit mode, the question begins the work's transaction, whose
	 * snapshot then follows the position if the answer is yes
	 * @param required the position the read needs
	 * @return whether the replica has replayed it
	 * @throws SQLException if the replica cannot be asked
	 */
	public boolean awaitReplay(NamedPool replica, Connection connection, long required) throws SQLException {
		// The question must not begin the work's transaction: under REPEATABLE READ its
		// snapshot would be taken before the replica caught up. Asked in auto-commit mode
		// (pgjdbc switches without a round trip while no transaction is open), each poll
		// is a transaction of its own, and the work's first statement takes its snapshot
		// after the answer.
		boolean manualCommit = !connection.getAutoCommit();
		if (manualCommit) {
			connection.setAutoCommit(true);
		}
		try {
			return poll(replica, connection, required);
		}
		finally {
			if (manualCommit) {
				connection.setAutoCommit(false);
			}
		}
	}

	private boolean poll(NamedPool replica, Connection connection, long required) throws SQLException {
		long deadline = System.nanoTime() + this.maxWaitNanos;
		long pause = FIRST_POLL_NANOS;
		try (PreparedStatement statement = connection.prepareStatement(REPLAY_POSITION)) {
			while (true) {
				long replayed = replayPosition(statement);
				this.states.replayedAtLeast(replica, replayed);
				if (replayed >= required) {
					return true;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				LockSupport.parkNanos(Math.min(pause, left));
				pause *= 2;
			}
		}
	}

	private static long replayPosition(PreparedStatement statement) throws SQLException {
		try (ResultSet row = statement.executeQuery()) {
			String lsn = row.next() ? row.getString(1) : null;
			// A node not in recovery answers NULL: it follows nothing.
			return (lsn != null) ? WalPositions.parse(lsn) : 0;
		}
	}

	/**
	 * How tokens are made after writes, by these rules' settings.
	 * @return the recorder
	 */
	public TokenRecorder recorder() {
		return this.recorder;
	}

	// The primary was seen at this position: a token up to it is not beyond it.
	private void primaryReached(long position) {
		this.knownPrimaryPosition.accumulateAndGet(position, Math::max);
	}

}
