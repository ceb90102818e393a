package io.routingpools.routing;

/**
 * Why a logical connection was bound to the pool it got.
 */
public enum RouteReason {

	/** Work not marked read-only goes to the primary. */
	WRITE("write", "the work is not marked read-only"),

	/** A read-only transaction goes to a replica. */
	READ_ONLY("read-only", "the transaction is read-only"),

	/** {@code @UsePool} or {@code PoolRouting} named the pool. */
	EXPLICIT("explicit", "it was named explicitly with @UsePool or PoolRouting"),

	/** A read-only transaction found no replica that could serve it. */
	FALLBACK("fallback", "the transaction is read-only and no replica could serve it"),

	/**
	 * A read-only transaction that a hot standby refuses to run (see {@link HotStandby}):
	 * it goes to the primary.
	 */
	STANDBY_UNSUPPORTED("standby-unsupported",
			"the transaction is read-only but serializable, which a hot standby cannot run"),

	/**
	 * Read-only work whose scope wrote something no replica has replayed yet, within
	 * {@code consistency.max-wait}: it goes to the primary.
	 */
	CONSISTENCY("consistency",
			"the work is read-only and follows a write of its scope that no replica had replayed yet"),

	/**
	 * A plain read outside any transaction ({@code routing.auto-commit-reads: replica}):
	 * its SQL only reads, so it goes to a replica.
	 */
	AUTO_COMMIT_READ("auto-commit-read", "it is a plain read outside a transaction (routing.auto-commit-reads)"),

	/** The work's tenant has a dedicated pool, which serves all its work. */
	TENANT("tenant", "the work's tenant has a dedicated database (routing-pools.tenants.dedicated)");

	private final String tag;

	private final String explanation;

	RouteReason(String tag, String explanation) {
		this.tag = tag;
		this.explanation = explanation;
	}

	/**
	 * Short lower-case name, as used in metrics tags and endpoints.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Whether automatic routing chose this route for work marked read-only.
	 * @return {@code true} for read-only, fallback, standby-unsupported, consistency and
	 * auto-commit-read routes
	 */
	boolean readOnlyWork() {
		return this != WRITE && this != EXPLICIT && this != TENANT;
	}

	/**
	 * Why a connection with this reason went where it went, for error messages.
	 * @return a clause that completes "routed there because ..."
	 */
	public String explanation() {
		return this.explanation;
	}

}
