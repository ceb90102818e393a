package io.routingpools.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PoolPropertiesTests {

	@Test
	void mostSpecificLayerWinsForEachSetting() {
		PoolProperties own = new PoolProperties();
		own.setMaximumPoolSize(3);
		PoolProperties defaults = new PoolProperties();
		defaults.setMaximumPoolSize(10);
		defaults.setConnectionTimeout(Duration.ofSeconds(3));
		PoolProperties merged = PoolProperties.layered(own, defaults);
		assertThat(merged.getMaximumPoolSize()).isEqualTo(3);
		assertThat(merged.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(merged.getMinimumIdle()).isNull();
	}

	@Test
	void driverPropertiesMergeKeyByKey() {
		PoolProperties own = new PoolProperties();
		own.getDataSourceProperties().put("sslmode", "require");
		PoolProperties defaults = new PoolProperties();
		defaults.getDataSourceProperties().put("sslmode", "disable");
		defaults.getDataSourceProperties().put("tcpKeepAlive", "true");
		assertThat(PoolProperties.layered(own, defaults).getDataSourceProperties()).containsEntry("sslmode", "require")
			.containsEntry("tcpKeepAlive", "true");
	}

	@Test
	void layeringLeavesTheLayersUntouched() {
		PoolProperties own = new PoolProperties();
		PoolProperties defaults = new PoolProperties();
		defaults.getDataSourceProperties().put("sslmode", "disable");
		PoolProperties.layered(own, defaults).getDataSourceProperties().put("extra", "x");
		assertThat(own.getDataSourceProperties()).isEmpty();
		assertThat(defaults.getDataSourceProperties()).containsOnlyKeys("sslmode");
	}

}
