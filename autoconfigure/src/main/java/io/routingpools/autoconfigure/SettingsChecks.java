package io.routingpools.autoconfigure;

import java.time.Duration;

import io.routingpools.tenant.TenantIds;
import io.routingpools.tenant.TenantSessionVariable;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The startup checks of pool settings, run on each layer on its own (a pool's own keys,
 * {@code routing-pools.defaults}, {@code spring.datasource.hikari}) before anything
 * reaches HikariCP, so that a value that cannot work is reported under the property the
 * user wrote, with every other problem. They refuse at least what HikariCP's setters
 * refuse (a pool size below 1, a negative minimum idle or duration, a connection or
 * validation timeout below 250ms), plus what routing-pools itself needs.
 */
final class SettingsChecks {

	/** HikariCP's floor for the connection and validation timeouts. */
	static final Duration HIKARI_TIMEOUT_FLOOR = Duration.ofMillis(250);

	/** Shortest check interval, probe timeout or lag limit the monitor accepts. */
	static final Duration MONITOR_TIME_FLOOR = Duration.ofMillis(10);

	private final ConfigurationProblems problems;

	/**
	 * Create checks that report to the given problems.
	 * @param problems where problems are collected
	 */
	SettingsChecks(ConfigurationProblems problems) {
		this.problems = problems;
	}

	/**
	 * Check every setting of one layer.
	 * @param layer the layer, with the prefix its values are written under
	 */
	void check(SettingsLayer layer) {
		PoolProperties settings = layer.settings();
		atLeast(layer.property("maximum-pool-size"), settings.getMaximumPoolSize(), 1);
		atLeast(layer.property("minimum-idle"), settings.getMinimumIdle(), 0);
		atLeast(layer.property("max-waiting"), settings.getMaxWaiting(), 0);
		notNegative(layer.property("statement-timeout"), settings.getStatementTimeout());
		atLeast(layer.property("connection-timeout"), settings.getConnectionTimeout(), HIKARI_TIMEOUT_FLOOR);
		atLeast(layer.property("validation-timeout"), settings.getValidationTimeout(), HIKARI_TIMEOUT_FLOOR);
		notNegative(layer.property("idle-timeout"), settings.getIdleTimeout());
		notNegative(layer.property("max-lifetime"), settings.getMaxLifetime());
		notNegative(layer.property("keepalive-time"), settings.getKeepaliveTime());
		notNegative(layer.property("leak-detection-threshold"), settings.getLeakDetectionThreshold());
		isolation(layer.property("transaction-isolation"), settings.getTransactionIsolation());
	}

	/**
	 * Check that a number is at least a minimum.
	 * @param property the full property name
	 * @param value the value, or {@code null} when unset
	 * @param minimum the smallest value that works
	 */
	void atLeast(String property, @Nullable Integer value, int minimum) {
		if (value != null && value < minimum) {
			this.problems.add(property, value, (minimum == 0) ? "cannot be negative" : "must be at least " + minimum,
					"Set " + property + " to " + minimum + " or more, or remove it to use the default");
		}
	}

	/**
	 * Check the replica monitor's settings ({@code routing-pools.health.*}).
	 * @param health the bound settings
	 */
	void health(RoutingPoolsProperties.Health health) {
		String prefix = "routing-pools.health.";
		atLeast(prefix + "check-interval", health.getCheckInterval(), MONITOR_TIME_FLOOR);
		atLeast(prefix + "probe-timeout", health.getProbeTimeout(), MONITOR_TIME_FLOOR);
		atLeast(prefix + "max-replication-lag", health.getMaxReplicationLag(), MONITOR_TIME_FLOOR);
		DataSize lagBytes = health.getMaxReplicationLagBytes();
		if (lagBytes != null && lagBytes.toBytes() < 1) {
			String property = prefix + "max-replication-lag-bytes";
			this.problems.add(property, lagBytes, "must be at least 1B",
					"Set " + property + " to a size such as 16MB, or remove it to use the default");
		}
		atLeast(prefix + "failed-checks-to-leave", health.getFailedChecksToLeave(), 1);
		atLeast(prefix + "passed-checks-to-return", health.getPassedChecksToReturn(), 1);
	}

	/**
	 * Check the read-after-write settings ({@code routing-pools.consistency.*}).
	 * @param consistency the bound settings
	 */
	void consistency(RoutingPoolsProperties.Consistency consistency) {
		String prefix = "routing-pools.consistency.";
		notNegative(prefix + "max-wait", consistency.getMaxWait());
		atLeast(prefix + "window", consistency.getWindow(), Duration.ofMillis(1));
		atLeast(prefix + "token-max-age", consistency.getTokenMaxAge(), Duration.ofMillis(1));
	}

	/**
	 * Check the tenant settings ({@code routing-pools.tenants.*}) other than the
	 * dedicated pools, whose ids and settings {@link PoolDefinitionsResolver} checks with
	 * the other pools.
	 * @param tenants the bound settings
	 */
	void tenants(RoutingPoolsProperties.Tenants tenants) {
		String prefix = "routing-pools.tenants.";
		if (tenants.getHeader().isBlank()) {
			this.problems.add(prefix + "header", tenants.getHeader(), "names no request header",
					"Set " + prefix + "header to the header your gateway sets, such as X-Tenant-Id, or remove it "
							+ "to use the default");
		}
		atLeast(prefix + "default-quota", tenants.getDefaultQuota(), 0);
		notNegative(prefix + "quota-wait-timeout", tenants.getQuotaWaitTimeout());
		tenants.getQuotas().forEach((id, quota) -> {
			String property = prefix + "quotas." + id;
			if (tenantId(property, id)) {
				atLeast(property, quota, 0);
			}
		});
		sessionVariable(prefix + "session-variable", tenants.getSessionVariable());
	}

	/**
	 * Check a tenant id written as a key of a map such as
	 * {@code routing-pools.tenants.quotas}.
	 * @param property the full property name, ending with the id
	 * @param id the id
	 * @return whether the id is valid
	 */
	boolean tenantId(String property, String id) {
		if (TenantIds.isValid(id)) {
			return true;
		}
		this.problems.add(property, id,
				((id.length() > TenantIds.MAX_LENGTH) ? "the id has " + id.length() + " characters; " : "")
						+ "a tenant id is 1 to " + TenantIds.MAX_LENGTH
						+ " ASCII letters, digits, '-' or '_', starting with a letter or digit",
				"Rename the key of " + property + " to the tenant's id as the application receives it (ids are "
						+ "case-sensitive: write one with upper-case letters in brackets), or remove the entry");
		return false;
	}

	private void sessionVariable(String property, @Nullable String name) {
		if (name == null || TenantSessionVariable.isCustomSetting(name)) {
			return;
		}
		String reason;
		if (name.isBlank()) {
			reason = "names no setting";
		}
		else if (name.indexOf('.') < 0) {
			reason = "names no custom setting: without a dot it would be one of PostgreSQL's own settings (such as "
					+ "search_path or role), which every tenant's work would then change";
		}
		else {
			reason = "names no custom setting: two or more identifiers (letters, digits, '_' or '$', not starting "
					+ "with a digit) joined by dots";
		}
		this.problems.add(property, name, reason,
				"Set " + property + " to a custom setting, <prefix>.<name> such as app.tenant_id, that your "
						+ "row-level security policies read, or remove it");
	}

	private void atLeast(String property, @Nullable Duration value, Duration minimum) {
		if (value != null && value.compareTo(minimum) < 0) {
			String least = ReportedValues.format(minimum);
			this.problems.add(property, value, minimum.isZero() ? "cannot be negative" : "must be at least " + least,
					"Set " + property + " to " + least + " or more, or remove it to use the default");
		}
	}

	private void notNegative(String property, @Nullable Duration value) {
		atLeast(property, value, Duration.ZERO);
	}

	private void isolation(String property, @Nullable String value) {
		if (value != null && !IsolationLevels.isLevel(value)) {
			this.problems.add(property, value, "names no transaction isolation level",
					"Set " + property + " to " + IsolationLevels.ACCEPTED + ", or remove it");
		}
	}

}
