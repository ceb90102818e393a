package io.routingpools.tenant;

import java.sql.SQLTransientConnectionException;

/**
 * A tenant's work could not bind to a shared pool within
 * {@code routing-pools.tenants.quota-wait-timeout}: the tenant already held its quota of
 * connections there. SQLSTATE {@code 53300} ({@code too_many_connections}, as PostgreSQL
 * reports a role over its connection limit). Transient: the same work may succeed once
 * the tenant's other work returns its connections.
 */
public class TenantQuotaExceededException extends SQLTransientConnectionException {

	/** SQLSTATE of the exception: PostgreSQL's {@code too_many_connections}. */
	public static final String SQL_STATE = "53300";

	private static final long serialVersionUID = 1L;

	private final String tenant;

	private final int quota;

	private final int usage;

	/**
	 * Create the exception.
	 * @param tenant the tenant's id
	 * @param quota its quota of connections on the shared pools
	 * @param usage how many it held when the wait ended
	 * @param waitedMillis how long the caller waited, in ms
	 */
	public TenantQuotaExceededException(String tenant, int quota, int usage, long waitedMillis) {
		super("Tenant '" + tenant + "' is at its quota of " + quota + " connections on the shared pools (" + usage
				+ " in use); waited " + waitedMillis + " ms (routing-pools.tenants.quota-wait-timeout). "
				+ "Raise routing-pools.tenants.quotas." + tenant + " or default-quota, or hold connections for less "
				+ "time (a nested REQUIRES_NEW transaction holds a second one)", SQL_STATE);
		this.tenant = tenant;
		this.quota = quota;
		this.usage = usage;
	}

	/**
	 * The tenant over quota.
	 * @return its id
	 */
	public String getTenant() {
		return this.tenant;
	}

	/**
	 * The tenant's quota when the wait ended.
	 * @return connections on the shared pools
	 */
	public int getQuota() {
		return this.quota;
	}

	/**
	 * The connections the tenant held on the shared pools when the wait ended.
	 * @return the usage
	 */
	public int getUsage() {
		return this.usage;
	}

}
