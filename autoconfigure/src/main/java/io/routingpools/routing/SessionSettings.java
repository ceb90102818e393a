package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * The session settings a logical connection recorded besides auto-commit and read-only:
 * isolation, catalog, schema, holdability, type map and client info. Created only when
 * the application sets one, so that the common connection carries none of them.
 */
final class SessionSettings {

	int isolation;

	boolean isolationSet;

	@Nullable String catalog;

	@Nullable String schema;

	int holdability;

	boolean holdabilitySet;

	@Nullable Map<String, Class<?>> typeMap;

	@Nullable Properties clientInfo;

	void clientInfo(String name, String value) {
		Properties recorded = this.clientInfo;
		if (recorded == null) {
			recorded = new Properties();
			this.clientInfo = recorded;
		}
		recorded.setProperty(name, value);
	}

	void clientInfo(Properties properties) {
		Properties recorded = new Properties();
		recorded.putAll(properties);
		this.clientInfo = recorded;
	}

	/**
	 * Apply what was set to a physical connection that was just borrowed.
	 * @param physical the connection
	 * @param poolIsolation the isolation the connection has from its pool, which needs no
	 * call
	 * @throws SQLException if the driver refuses a setting
	 */
	void replay(Connection physical, int poolIsolation) throws SQLException {
		if (this.isolationSet && this.isolation != poolIsolation) {
			physical.setTransactionIsolation(this.isolation);
		}
		if (this.catalog != null) {
			physical.setCatalog(this.catalog);
		}
		if (this.schema != null) {
			physical.setSchema(this.schema);
		}
		if (this.holdabilitySet) {
			physical.setHoldability(this.holdability);
		}
		if (this.typeMap != null) {
			physical.setTypeMap(this.typeMap);
		}
		if (this.clientInfo != null) {
			physical.setClientInfo(this.clientInfo);
		}
	}

}
