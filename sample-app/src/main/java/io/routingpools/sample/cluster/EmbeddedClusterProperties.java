package io.routingpools.sample.cluster;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample's embedded PostgreSQL cluster (prefix
 * {@code sample.embedded-cluster}). Bound from the environment before the context exists,
 * by {@link EmbeddedClusterEnvironmentPostProcessor}; declared here for IDE metadata too.
 */
@ConfigurationProperties(EmbeddedClusterProperties.PREFIX)
public class EmbeddedClusterProperties {

	static final String PREFIX = "sample.embedded-cluster";

	/**
	 * Whether to start an embedded PostgreSQL primary with two streaming replicas and run
	 * on it. When off, the servers given by routing-pools.* or spring.datasource.* are
	 * used.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
