package io.routingpools.pool;

/**
 * What a pool is for; decides its built-in defaults and which routes may reach it.
 */
public enum PoolRole {

	/** All writes and everything not marked read-only. */
	PRIMARY,

	/** Read-only transactions, load-balanced. */
	REPLICA,

	/** Migrations and explicitly routed operator work. */
	ADMIN,

	/** A tenant's own database ({@code tenant-<id>}): all that tenant's work. */
	TENANT

}
