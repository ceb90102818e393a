package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Settings of one pool, as bound from {@code routing-pools.defaults},
 * {@code routing-pools.primary}, {@code routing-pools.admin}, a replica or a dedicated
 * tenant ({@code routing-pools.tenants.dedicated.<id>}). Every setting is optional: an
 * unset one is inherited (see {@link #layered(PoolProperties...)}). Each is the HikariCP
 * setting of the same name unless {@link HikariConfigMapper} says otherwise: supporting a
 * new HikariCP setting takes one field here, with its javadoc (the IDE description),
 * getter and setter, and nothing else.
 */
public class PoolProperties {

	/**
	 * JDBC URL of the database. For a replica it must name one host. The primary falls
	 * back to spring.datasource.url and the admin pool to the primary's URL; replicas and
	 * dedicated tenants need their own.
	 */
	private @Nullable String url;

	/**
	 * Login username. Replicas, dedicated tenants and the admin pool fall back to the
	 * primary's.
	 */
	private @Nullable String username;

	/**
	 * Login password. Replicas, dedicated tenants and the admin pool fall back to the
	 * primary's.
	 */
	private @Nullable String password;

	/**
	 * Fully qualified name of a HikariCredentialsProvider that supplies the username and
	 * password of each new connection, in place of username and password.
	 */
	private @Nullable String credentialsProviderClassName;

	/**
	 * Fully qualified name of the JDBC driver. Auto-detected from the URL by default.
	 */
	private @Nullable String driverClassName;

	/**
	 * Fully qualified name of a JDBC DataSource class that HikariCP creates and
	 * configures from the driver properties, instead of connecting to the URL through the
	 * driver.
	 */
	private @Nullable String dataSourceClassName;

	/**
	 * Maximum number of connections in the pool, in use or idle.
	 */
	private @Nullable Integer maximumPoolSize;

	/**
	 * Minimum number of idle connections the pool tries to keep.
	 */
	private @Nullable Integer minimumIdle;

	/**
	 * Maximum time to wait for a connection from the pool (HikariCP's minimum is 250ms).
	 */
	private @Nullable Duration connectionTimeout;

	/**
	 * Maximum time a connection is tested for aliveness; lower than the connection
	 * timeout.
	 */
	private @Nullable Duration validationTimeout;

	/**
	 * Maximum time a connection may sit idle in the pool.
	 */
	private @Nullable Duration idleTimeout;

	/**
	 * Maximum lifetime of a connection in the pool.
	 */
	private @Nullable Duration maxLifetime;

	/**
	 * How often an idle connection is tested to keep it alive; 0 to disable.
	 */
	private @Nullable Duration keepaliveTime;

	/**
	 * Time a connection may be out of the pool before a possible leak is logged; 0 to
	 * disable.
	 */
	private @Nullable Duration leakDetectionThreshold;

	/**
	 * How long the pool tries to get its first connection at startup before failing;
	 * negative to start without one.
	 */
	private @Nullable Duration initializationFailTimeout;

	/**
	 * Whether connections are in auto-commit mode by default. Replicas and dedicated
	 * tenants always use the primary's setting.
	 */
	private @Nullable Boolean autoCommit;

	/**
	 * Default transaction isolation: READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE or
	 * READ_UNCOMMITTED, in any case, with or without the TRANSACTION_ prefix, or the JDBC
	 * level (2, 4, 8, 1). Replicas and dedicated tenants always use the primary's
	 * setting.
	 */
	private @Nullable String transactionIsolation;

	/**
	 * SQL run on every new connection before it enters the pool (after the statement
	 * timeout is set).
	 */
	private @Nullable String connectionInitSql;

	/**
	 * Query that tests a connection; leave unset to use the driver's isValid().
	 */
	private @Nullable String connectionTestQuery;

	/**
	 * Default schema of new connections.
	 */
	private @Nullable String schema;

	/**
	 * Default catalog of new connections.
	 */
	private @Nullable String catalog;

	/**
	 * Whether HikariCP's internal queries run in their own transaction.
	 */
	private @Nullable Boolean isolateInternalQueries;

	/**
	 * Whether the pool can be suspended and resumed through JMX.
	 */
	private @Nullable Boolean allowPoolSuspension;

	/**
	 * Whether HikariCP registers its JMX management beans.
	 */
	private @Nullable Boolean registerMbeans;

	/**
	 * Fully qualified name of a HikariCP SQLExceptionOverride that decides which errors
	 * evict a connection.
	 */
	private @Nullable String exceptionOverrideClassName;

	/**
	 * Statement timeout SET on each new session; 0 for none. The admin pool does not
	 * inherit it from defaults.
	 */
	private @Nullable Duration statementTimeout;

	/**
	 * Admission control: when this many callers already wait for a connection, new ones
	 * fail fast; 0 for no limit.
	 */
	private @Nullable Integer maxWaiting;

	/**
	 * Driver properties, such as pgjdbc's socketTimeout or sslmode.
	 */
	private Map<String, String> dataSourceProperties = new LinkedHashMap<>();

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public @Nullable String getCredentialsProviderClassName() {
		return this.credentialsProviderClassName;
	}

	public void setCredentialsProviderClassName(@Nullable String credentialsProviderClassName) {
		this.credentialsProviderClassName = credentialsProviderClassName;
	}

	public @Nullable String getDriverClassName() {
		return this.driverClassName;
	}

	public void setDriverClassName(@Nullable String driverClassName) {
		this.driverClassName = driverClassName;
	}

	public @Nullable String getDataSourceClassName() {
		return this.dataSourceClassName;
	}

	public void setDataSourceClassName(@Nullable String dataSourceClassName) {
		this.dataSourceClassName = dataSourceClassName;
	}

	public @Nullable Integer getMaximumPoolSize() {
		return this.maximumPoolSize;
	}

	public void setMaximumPoolSize(@Nullable Integer maximumPoolSize) {
		this.maximumPoolSize = maximumPoolSize;
	}

	public @Nullable Integer getMinimumIdle() {
		return this.minimumIdle;
	}

	public void setMinimumIdle(@Nullable Integer minimumIdle) {
		this.minimumIdle = minimumIdle;
	}

	public @Nullable Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(@Nullable Duration connectionTimeout) {
		this.connectionTimeout = connectionTimeout;
	}

	public @Nullable Duration getValidationTimeout() {
		return this.validationTimeout;
	}

	public void setValidationTimeout(@Nullable Duration validationTimeout) {
		this.validationTimeout = validationTimeout;
	}

	public @Nullable Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(@Nullable Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public @Nullable Duration getMaxLifetime() {
		return this.maxLifetime;
	}

	public void setMaxLifetime(@Nullable Duration maxLifetime) {
		this.maxLifetime = maxLifetime;
	}

	public @Nullable Duration getKeepaliveTime() {
		return this.keepaliveTime;
	}

	public void setKeepaliveTime(@Nullable Duration keepaliveTime) {
		this.keepaliveTime = keepaliveTime;
	}

	public @Nullable Duration getLeakDetectionThreshold() {
		return this.leakDetectionThreshold;
	}

	public void setLeakDetectionThreshold(@Nullable Duration leakDetectionThreshold) {
		this.leakDetectionThreshold = leakDetectionThreshold;
	}

	public @Nullable Duration getInitializationFailTimeout() {
		return this.initializationFailTimeout;
	}

	public void setInitializationFailTimeout(@Nullable Duration initializationFailTimeout) {
		this.initializationFailTimeout = initializationFailTimeout;
	}

	public @Nullable Boolean getAutoCommit() {
		return this.autoCommit;
	}

	public void setAutoCommit(@Nullable Boolean autoCommit) {
		this.autoCommit = autoCommit;
	}

	public @Nullable String getTransactionIsolation() {
		return this.transactionIsolation;
	}

	public void setTransactionIsolation(@Nullable String transactionIsolation) {
		this.transactionIsolation = transactionIsolation;
	}

	public @Nullable String getConnectionInitSql() {
		return this.connectionInitSql;
	}

	public void setConnectionInitSql(@Nullable String connectionInitSql) {
		this.connectionInitSql = connectionInitSql;
	}

	public @Nullable String getConnectionTestQuery() {
		return this.connectionTestQuery;
	}

	public void setConnectionTestQuery(@Nullable String connectionTestQuery) {
		this.connectionTestQuery = connectionTestQuery;
	}

	public @Nullable String getSchema() {
		return this.schema;
	}

	public void setSchema(@Nullable String schema) {
		this.schema = schema;
	}

	public @Nullable String getCatalog() {
		return this.catalog;
	}

	public void setCatalog(@Nullable String catalog) {
		this.catalog = catalog;
	}

	public @Nullable Boolean getIsolateInternalQueries() {
		return this.isolateInternalQueries;
	}

	public void setIsolateInternalQueries(@Nullable Boolean isolateInternalQueries) {
		this.isolateInternalQueries = isolateInternalQueries;
	}

	public @Nullable Boolean getAllowPoolSuspension() {
		return this.allowPoolSuspension;
	}

	public void setAllowPoolSuspension(@Nullable Boolean allowPoolSuspension) {
		this.allowPoolSuspension = allowPoolSuspension;
	}

	public @Nullable Boolean getRegisterMbeans() {
		return this.registerMbeans;
	}

	public void setRegisterMbeans(@Nullable Boolean registerMbeans) {
		this.registerMbeans = registerMbeans;
	}

	public @Nullable String getExceptionOverrideClassName() {
		return this.exceptionOverrideClassName;
	}

	public void setExceptionOverrideClassName(@Nullable String exceptionOverrideClassName) {
		this.exceptionOverrideClassName = exceptionOverrideClassName;
	}

	public @Nullable Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	public void setStatementTimeout(@Nullable Duration statementTimeout) {
		this.statementTimeout = statementTimeout;
	}

	public @Nullable Integer getMaxWaiting() {
		return this.maxWaiting;
	}

	public void setMaxWaiting(@Nullable Integer maxWaiting) {
		this.maxWaiting = maxWaiting;
	}

	public Map<String, String> getDataSourceProperties() {
		return this.dataSourceProperties;
	}

	public void setDataSourceProperties(Map<String, String> dataSourceProperties) {
		this.dataSourceProperties = dataSourceProperties;
	}

	/**
	 * Merge settings: for each one, the first layer that sets it wins. Driver properties
	 * are merged key by key with the same precedence.
	 * @param layers the layers, most specific first
	 * @return a new, merged instance
	 */
	public static PoolProperties layered(PoolProperties... layers) {
		return PoolSettings.merge(layers);
	}

}
