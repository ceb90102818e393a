package io.routingpools.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values in the startup report read the way a user writes them, and are never secrets.
 */
class ReportedValuesTests {

	@Test
	void durationsAreWrittenInTheLargestExactUnit() {
		assertThat(ReportedValues.format(Duration.ofSeconds(-1))).isEqualTo("-1s");
		assertThat(ReportedValues.format(Duration.ofMillis(100))).isEqualTo("100ms");
		assertThat(ReportedValues.format(Duration.ofMillis(-1500))).isEqualTo("-1500ms");
		assertThat(ReportedValues.format(Duration.ofMinutes(30))).isEqualTo("30m");
		assertThat(ReportedValues.format(Duration.ofHours(48))).isEqualTo("2d");
		assertThat(ReportedValues.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
		assertThat(ReportedValues.format(Duration.ZERO)).isEqualTo("0s");
		assertThat(ReportedValues.of("routing-pools.defaults.idle-timeout", Duration.ofSeconds(-5))).isEqualTo("-5s");
	}

	@Test
	void missingValuesAreNone() {
		assertThat(ReportedValues.of("routing-pools.primary.url", null)).isEqualTo("(none)");
	}

	@Test
	void passwordsAreNeverShown() {
		assertThat(ReportedValues.of("routing-pools.defaults.password", "s3cret")).isEqualTo("******");
		assertThat(ReportedValues.of("spring.datasource.password", "s3cret")).isEqualTo("******");
	}

	@Test
	void passwordsInUrlsAreNeverShown() {
		assertThat(ReportedValues.of("routing-pools.replicas.r.url", "jdbc:postgresql://h:5432/app?password=s3cret"))
			.isEqualTo("jdbc:postgresql://h:5432/app?password=******");
		assertThat(ReportedValues.of("routing-pools.replicas.r.url", "jdbc:mysql://app:s3cret@h:3306/app"))
			.isEqualTo("jdbc:mysql://app:******@h:3306/app");
		assertThat(ReportedValues.of("routing-pools.replicas.r.url", "jdbc:postgresql://h1:5432,h2:5432/app"))
			.isEqualTo("jdbc:postgresql://h1:5432,h2:5432/app");
	}

	@Test
	void secretDriverPropertiesAreNeverShown() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("sslmode", "require");
		properties.put("sslpassword", "s3cret");
		properties.put("password", "s3cret");
		assertThat(ReportedValues.of("routing-pools.primary.data-source-properties", properties))
			.isEqualTo("{sslmode=require, sslpassword=******, password=******}");
	}

}
