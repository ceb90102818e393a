package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.routingpools.consistency.ConsistencyMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the routing pools (prefix {@code routing-pools}).
 */
@ConfigurationProperties("routing-pools")
public class RoutingPoolsProperties {

	/**
	 * Whether the routing DataSource and its pools replace Spring Boot's single
	 * DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Settings every pool inherits unless it sets its own.
	 */
	@NestedConfigurationProperty
	private PoolProperties defaults = new PoolProperties();

	/**
	 * The primary pool: all writes and everything not marked read-only.
	 */
	@NestedConfigurationProperty
	private PoolProperties primary = new PoolProperties();

	/**
	 * Replica pools by name: read-only transactions, load-balanced.
	 */
	private Map<String, ReplicaProperties> replicas = new LinkedHashMap<>();

	/**
	 * The admin pool: migrations and explicitly routed operator work.
	 */
	@NestedConfigurationProperty
	private PoolProperties admin = new PoolProperties();

	private final Routing routing = new Routing();

	private final Health health = new Health();

	private final Consistency consistency = new Consistency();

	private final Tenants tenants = new Tenants();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public PoolProperties getDefaults() {
		return this.defaults;
	}

	public void setDefaults(PoolProperties defaults) {
		this.defaults = defaults;
	}

	public PoolProperties getPrimary() {
		return this.primary;
	}

	public void setPrimary(PoolProperties primary) {
		this.primary = primary;
	}

	public Map<String, ReplicaProperties> getReplicas() {
		return this.replicas;
	}

	public void setReplicas(Map<String, ReplicaProperties> replicas) {
		this.replicas = replicas;
	}

	public PoolProperties getAdmin() {
		return this.admin;
	}

	public void setAdmin(PoolProperties admin) {
		this.admin = admin;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Health getHealth() {
		return this.health;
	}

	public Consistency getConsistency() {
		return this.consistency;
	}

	public Tenants getTenants() {
		return this.tenants;
	}

	/**
	 * How the replica monitor checks each replica and the primary, and when it takes a
	 * replica out of rotation or brings it back.
	 */
	public static class Health {

		/**
		 * Whether the replica monitor runs. Without it, replicas leave rotation only
		 * through the request path's suspect marks, and health reports them as not
		 * checked.
		 */
		private boolean enabled = true;

		/**
		 * Pause between two checks of each node.
		 */
		private Duration checkInterval = Duration.ofMillis(500);

		/**
		 * Replay lag beyond which a replica leaves rotation (LAGGING).
		 */
		private Duration maxReplicationLag = Duration.ofSeconds(5);

		/**
		 * WAL not yet replayed beyond which a replica leaves rotation (LAGGING).
		 */
		private DataSize maxReplicationLagBytes = DataSize.ofMegabytes(16);

		/**
		 * Longest a probe may take; a slower probe is a failed check (the replica is DOWN
		 * once enough checks in a row fail).
		 */
		private Duration probeTimeout = Duration.ofMillis(250);

		/**
		 * Failed checks in a row that take a replica out of rotation.
		 */
		private int failedChecksToLeave = 1;

		/**
		 * Passed checks in a row, each with the replica caught up (lag at most half of
		 * each limit), that bring a replica back into rotation.
		 */
		private int passedChecksToReturn = 2;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Duration getMaxReplicationLag() {
			return this.maxReplicationLag;
		}

		public void setMaxReplicationLag(Duration maxReplicationLag) {
			this.maxReplicationLag = maxReplicationLag;
		}

		public DataSize getMaxReplicationLagBytes() {
			return this.maxReplicationLagBytes;
		}

		public void setMaxReplicationLagBytes(DataSize maxReplicationLagBytes) {
			this.maxReplicationLagBytes = maxReplicationLagBytes;
		}

		public Duration getProbeTimeout() {
			return this.probeTimeout;
		}

		public void setProbeTimeout(Duration probeTimeout) {
			this.probeTimeout = probeTimeout;
		}

		public int getFailedChecksToLeave() {
			return this.failedChecksToLeave;
		}

		public void setFailedChecksToLeave(int failedChecksToLeave) {
			this.failedChecksToLeave = failedChecksToLeave;
		}

		public int getPassedChecksToReturn() {
			return this.passedChecksToReturn;
		}

		public void setPassedChecksToReturn(int passedChecksToReturn) {
			this.passedChecksToReturn = passedChecksToReturn;
		}

	}

	/**
	 * How read-only work is spread and where it goes when no replica can serve it.
	 */
	public static class Routing {

		/**
		 * How a replica is chosen for each read-only transaction.
		 */
		private LoadBalancerType loadBalancer = LoadBalancerType.LEAST_ACTIVE;

		/**
		 * Whether read-only work runs on the primary when no replica can serve it;
		 * otherwise it fails.
		 */
		private boolean fallbackToPrimary = true;

		/**
		 * Most read-only connections that may fall back to the primary at once; 0 for no
		 * limit.
		 */
		private int fallbackMaxConcurrency;

		/**
		 * Where plain reads outside transactions (auto-commit, not marked read-only) go:
		 * the primary, or an eligible replica when the statement's SQL only reads.
		 */
		private AutoCommitReads autoCommitReads = AutoCommitReads.PRIMARY;

		public LoadBalancerType getLoadBalancer() {
			return this.loadBalancer;
		}

		public void setLoadBalancer(LoadBalancerType loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

		public boolean isFallbackToPrimary() {
			return this.fallbackToPrimary;
		}

		public void setFallbackToPrimary(boolean fallbackToPrimary) {
			this.fallbackToPrimary = fallbackToPrimary;
		}

		public int getFallbackMaxConcurrency() {
			return this.fallbackMaxConcurrency;
		}

		public void setFallbackMaxConcurrency(int fallbackMaxConcurrency) {
			this.fallbackMaxConcurrency = fallbackMaxConcurrency;
		}

		public AutoCommitReads getAutoCommitReads() {
			return this.autoCommitReads;
		}

		public void setAutoCommitReads(AutoCommitReads autoCommitReads) {
			this.autoCommitReads = autoCommitReads;
		}

	}

	/**
	 * The replica load balancers.
	 */
	public enum LoadBalancerType {

		/** Replicas in turn. */
		ROUND_ROBIN,

		/** The replica with the fewest borrowed connections per unit of weight. */
		LEAST_ACTIVE,

		/** A random replica, in proportion to its weight. */
		WEIGHTED_RANDOM

	}

	/**
	 * Where plain reads outside transactions go.
	 */
	public enum AutoCommitReads {

		/** On the primary, like all work not marked read-only. */
		PRIMARY,

		/**
		 * On an eligible replica when the statement only reads; anything else, and all
		 * later work of the same connection, on the primary.
		 */
		REPLICA

	}

	/**
	 * Read-after-write consistency: reads that follow a write in the same scope (thread,
	 * request, or a carried token) see it.
	 */
	public static class Consistency {

		/**
		 * How reads follow the writes of their scope.
		 */
		private ConsistencyMode mode = ConsistencyMode.LSN;

		/**
		 * How long a read may wait for the replica it borrowed to replay its scope's
		 * token before it goes to the primary (mode lsn).
		 */
		private Duration maxWait = Duration.ofMillis(20);

		/**
		 * How long reads stay on the primary after a write whose WAL position is not
		 * known (mode window, or reading the position failed).
		 */
		private Duration window = Duration.ofSeconds(2);

		/**
		 * How the token travels between the requests of a web client.
		 */
		private Propagation propagation = Propagation.COOKIE;

		/**
		 * How long a token is honoured after it was issued; also the cookie's Max-Age.
		 */
		private Duration tokenMaxAge = Duration.ofSeconds(30);

		public ConsistencyMode getMode() {
			return this.mode;
		}

		public void setMode(ConsistencyMode mode) {
			this.mode = mode;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public Propagation getPropagation() {
			return this.propagation;
		}

		public void setPropagation(Propagation propagation) {
			this.propagation = propagation;
		}

		public Duration getTokenMaxAge() {
			return this.tokenMaxAge;
		}

		public void setTokenMaxAge(Duration tokenMaxAge) {
			this.tokenMaxAge = tokenMaxAge;
		}

	}

	/**
	 * How a consistency token travels between a web client's requests.
	 */
	public enum Propagation {

		/** The {@code rp-consistency} cookie (HttpOnly, SameSite=Lax). */
		COOKIE,

		/** The {@code X-Routing-Consistency} request and response header. */
		HEADER,

		/**
		 * Not at all: no filter, and a request's reads follow the writes made earlier on
		 * its thread.
		 */
		NONE

	}

	/**
	 * Tenants: how the tenant of a request is found, how many connections each may hold
	 * on the shared pools, dedicated tenant databases, and the session variable for
	 * row-level security.
	 */
	public static class Tenants {

		/**
		 * Request header the default tenant resolver reads in servlet applications. It
		 * trusts the client: use it only behind a gateway that sets the header.
		 */
		private String header = "X-Tenant-Id";

		/**
		 * Whether web requests without a tenant are refused (400 Bad Request).
		 */
		private boolean requireTenant;

		/**
		 * Connections a tenant without a quota of its own may hold at once on the shared
		 * pools (primary and replicas together; not its dedicated pool). 0 for no limit.
		 */
		private int defaultQuota = 5;

		/**
		 * How long work over its tenant's quota waits for a connection slot, first come
		 * first served, before TenantQuotaExceededException. 0 to fail at once.
		 */
		private Duration quotaWaitTimeout = Duration.ofMillis(500);

		/**
		 * Quotas of named tenants, by tenant id: connections each may hold at once on the
		 * shared pools. 0 for no limit. Write ids with upper-case letters in brackets.
		 */
		private Map<String, Integer> quotas = new LinkedHashMap<>();

		/**
		 * Custom setting, '<prefix>.<name>' such as app.tenant_id, that carries the
		 * tenant id to each session for row-level security policies: transaction-local in
		 * transactions, reset after auto-commit work. Unset: none.
		 */
		private @Nullable String sessionVariable;

		/**
		 * Tenants with a database of their own, by tenant id: each gets a pool named
		 * 'tenant-<id>' that serves all its work, with these pool settings (a url of its
		 * own is required; the others fall back to routing-pools.defaults, and the
		 * credentials to the primary's).
		 */
		private Map<String, PoolProperties> dedicated = new LinkedHashMap<>();

		public String getHeader() {
			return this.header;
		}

		public void setHeader(String header) {
			this.header = header;
		}

		public boolean isRequireTenant() {
			return this.requireTenant;
		}

		public void setRequireTenant(boolean requireTenant) {
			this.requireTenant = requireTenant;
		}

		public int getDefaultQuota() {
			return this.defaultQuota;
		}

		public void setDefaultQuota(int defaultQuota) {
			this.defaultQuota = defaultQuota;
		}

		public Duration getQuotaWaitTimeout() {
			return this.quotaWaitTimeout;
		}

		public void setQuotaWaitTimeout(Duration quotaWaitTimeout) {
			this.quotaWaitTimeout = quotaWaitTimeout;
		}

		public Map<String, Integer> getQuotas() {
			return this.quotas;
		}

		public void setQuotas(Map<String, Integer> quotas) {
			this.quotas = quotas;
		}

		public @Nullable String getSessionVariable() {
			return this.sessionVariable;
		}

		public void setSessionVariable(@Nullable String sessionVariable) {
			this.sessionVariable = sessionVariable;
		}

		public Map<String, PoolProperties> getDedicated() {
			return this.dedicated;
		}

		public void setDedicated(Map<String, PoolProperties> dedicated) {
			this.dedicated = dedicated;
		}

	}

}
