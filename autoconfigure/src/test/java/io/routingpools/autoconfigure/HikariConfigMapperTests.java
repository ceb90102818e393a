package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class HikariConfigMapperTests {

	private final HikariConfigMapper mapper = new HikariConfigMapper(PoolProperties.class);

	@Test
	void settingsReachHikariUnderTheirOwnName() {
		PoolProperties settings = new PoolProperties();
		settings.setMaximumPoolSize(7);
		settings.setAutoCommit(false);
		settings.setSchema("app");
		HikariConfig hikari = this.mapper.toHikariConfig(settings, HikariConfigMapperTests::unexpected);
		assertThat(hikari.getMaximumPoolSize()).isEqualTo(7);
		assertThat(hikari.isAutoCommit()).isFalse();
		assertThat(hikari.getSchema()).isEqualTo("app");
	}

	@Test
	void durationsBecomeMilliseconds() {
		PoolProperties settings = new PoolProperties();
		settings.setMaxLifetime(Duration.ofMinutes(10));
		settings.setInitializationFailTimeout(Duration.ofMillis(-1));
		HikariConfig hikari = this.mapper.toHikariConfig(settings, HikariConfigMapperTests::unexpected);
		assertThat(hikari.getMaxLifetime()).isEqualTo(600_000);
		assertThat(hikari.getInitializationFailTimeout()).isEqualTo(-1);
	}

	@Test
	void urlIsHikarisJdbcUrl() {
		PoolProperties settings = new PoolProperties();
		settings.setUrl("jdbc:postgresql://primary:5432/app");
		assertThat(this.mapper.toHikariConfig(settings, HikariConfigMapperTests::unexpected).getJdbcUrl())
			.isEqualTo("jdbc:postgresql://primary:5432/app");
	}

	@Test
	void driverPropertiesBecomeHikarisDataSourceProperties() {
		PoolProperties settings = new PoolProperties();
		settings.getDataSourceProperties().put("sslmode", "require");
		assertThat(this.mapper.toHikariConfig(settings, HikariConfigMapperTests::unexpected).getDataSourceProperties())
			.containsEntry("sslmode", "require");
	}

	@Test
	void unsetSettingsKeepHikarisDefaults() {
		HikariConfig hikari = this.mapper.toHikariConfig(new PoolProperties(), HikariConfigMapperTests::unexpected);
		HikariConfig defaults = new HikariConfig();
		assertThat(hikari.getConnectionTimeout()).isEqualTo(defaults.getConnectionTimeout());
		assertThat(hikari.isAutoCommit()).isEqualTo(defaults.isAutoCommit());
		assertThat(hikari.getJdbcUrl()).isNull();
	}

	@Test
	void settingsRoutingPoolsAppliesItselfAreLeftOut() {
		PoolProperties settings = new PoolProperties();
		settings.setStatementTimeout(Duration.ofSeconds(15));
		assertThat(this.mapper.toHikariConfig(settings, HikariConfigMapperTests::unexpected).getConnectionInitSql())
			.isNull();
	}

	@Test
	void valuesHikariRefusesAreHandedBackWithItsReasonAndTheOthersStillMapped() {
		PoolProperties settings = new PoolProperties();
		settings.setMaximumPoolSize(-1);
		settings.setValidationTimeout(Duration.ofMillis(10));
		settings.setDriverClassName("com.example.NoSuchDriver");
		settings.setSchema("app");
		Map<String, String> refusals = new LinkedHashMap<>();
		HikariConfig hikari = this.mapper.toHikariConfig(settings,
				(setting, value, refusal) -> refusals.put(setting + "=" + value, refusal.getMessage()));
		assertThat(refusals).containsOnlyKeys("maximumPoolSize=-1", "validationTimeout=PT0.01S",
				"driverClassName=com.example.NoSuchDriver");
		assertThat(refusals.get("maximumPoolSize=-1")).isEqualTo("maxPoolSize cannot be less than 1");
		assertThat(refusals.get("validationTimeout=PT0.01S")).contains("250ms");
		assertThat(refusals.get("driverClassName=com.example.NoSuchDriver")).contains("com.example.NoSuchDriver");
		assertThat(hikari.getSchema()).isEqualTo("app");
		assertThat(hikari.getMaximumPoolSize()).isEqualTo(new HikariConfig().getMaximumPoolSize());
	}

	@Test
	void settingThatHikariDoesNotHaveFailsStartupNamingIt() {
		assertThatIllegalStateException().isThrownBy(() -> new HikariConfigMapper(WithUnknownSetting.class))
			.withMessageContaining("[turboMode]")
			.withMessageContaining("ROUTING_POOLS_SETTINGS");
	}

	@Test
	void settingOfAnotherTypeThanHikarisFailsStartupNamingIt() {
		assertThatIllegalStateException().isThrownBy(() -> new HikariConfigMapper(WithMistypedSetting.class))
			.withMessageContaining("[poolName]");
	}

	private static void unexpected(String setting, Object value, RuntimeException refusal) {
		throw new AssertionError("HikariCP refused " + setting + "=" + value, refusal);
	}

	public static class WithUnknownSetting extends PoolProperties {

		private @Nullable Boolean turboMode;

		public @Nullable Boolean getTurboMode() {
			return this.turboMode;
		}

		public void setTurboMode(@Nullable Boolean turboMode) {
			this.turboMode = turboMode;
		}

	}

	public static class WithMistypedSetting extends PoolProperties {

		private @Nullable Duration poolName;

		public @Nullable Duration getPoolName() {
			return this.poolName;
		}

		public void setPoolName(@Nullable Duration poolName) {
			this.poolName = poolName;
		}

	}

}
