package io.routingpools.replica;

import java.util.Locale;

/**
 * Why work moved off a node: the {@code cause} tag of {@code routingpools.failovers}
 * (DESIGN section 8).
 */
public enum FailoverCause {

	/** The monitor found a replica unreachable, or its probe too slow. */
	DOWN,

	/** The monitor found a replica behind the primary by more than the limits. */
	LAGGING,

	/** The monitor found that a replica was promoted. */
	NOT_A_REPLICA,

	/**
	 * A replica failed on the request path: it could not provide a connection, or a
	 * statement lost its connection.
	 */
	CONNECTION_ERROR,

	/**
	 * A write on the primary pool failed with SQLSTATE 25006 and the node confirmed it is
	 * in recovery: the primary pool's connections were evicted.
	 */
	DEMOTION,

	/** A read-only statement that lost its node was run again on another node. */
	RE_RUN;

	/**
	 * The cause as written in meter tags: {@code down}, {@code lagging},
	 * {@code not-a-replica}, {@code connection-error}, {@code demotion}, {@code re-run}.
	 * @return the lower-case, hyphenated name
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
