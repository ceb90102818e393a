package io.routingpools.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A configuration that cannot work fails startup with a report naming the property and
 * the fix, and no password.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidConfigurationFailureAnalyzerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0", "routing-pools.defaults.password=s3cret-pw");

	@Test
	void replicaWithoutUrl() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.weight=2");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.replicas.replica-a.url")
			.contains("every replica needs its own JDBC URL");
		assertThat(analysis.getAction()).contains("Set routing-pools.replicas.replica-a.url");
	}

	@Test
	void noPrimaryAtAll() {
		FailureAnalysis analysis = analyze("routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/app");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.primary.url")
			.contains("there is no primary database");
		assertThat(analysis.getAction()).contains("spring.datasource.url");
	}

	@Test
	void zeroPoolSize() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.primary.maximum-pool-size=0");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.primary.maximum-pool-size")
			.contains("Value: 0")
			.contains("must be at least 1");
	}

	@Test
	void negativeSizeInDefaults() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.defaults.max-waiting=-5");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.defaults.max-waiting")
			.contains("Value: -5");
	}

	@Test
	void zeroReplicaWeight() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.weight=0");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.replicas.replica-a.weight");
	}

	@Test
	void monitorSettingsThatCannotWorkAreReportedTogether() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.health.probe-timeout=0ms", "routing-pools.health.check-interval=-1s",
				"routing-pools.health.max-replication-lag-bytes=0B", "routing-pools.health.failed-checks-to-leave=0");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.health.probe-timeout")
			.contains("Value: 0s")
			.contains("must be at least 10ms")
			.contains("Property: routing-pools.health.check-interval")
			.contains("Property: routing-pools.health.max-replication-lag-bytes")
			.contains("Property: routing-pools.health.failed-checks-to-leave");
	}

	@Test
	void consistencySettingsThatCannotWorkAreReportedTogether() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.consistency.max-wait=-1ms", "routing-pools.consistency.window=0s",
				"routing-pools.consistency.token-max-age=-1s");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.consistency.max-wait")
			.contains("cannot be negative")
			.contains("Property: routing-pools.consistency.window")
			.contains("Property: routing-pools.consistency.token-max-age");
	}

	@Test
	void durationIsShownAsWritten() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.primary.connection-timeout=100ms", "routing-pools.defaults.idle-timeout=-1s");
		assertThat(analysis.getDescription()).contains("Value: 100ms").contains("Value: -1s").doesNotContain("PT");
	}

	@Test
	void replicaNamedLikeAReservedPool() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.admin.url=jdbc:postgresql://127.0.0.1:9/app");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.replicas.admin")
			.contains("reserved pool names");
	}

	@Test
	void replicaNamesThatDifferOnlyInCase() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas[replica-a].url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas[Replica-A].url=jdbc:postgresql://127.0.0.1:9/app");
		assertThat(analysis.getDescription()).contains("duplicates replica");
	}

	@Test
	void unknownTransactionIsolation() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.defaults.transaction-isolation=SNAPSHOT");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.defaults.transaction-isolation")
			.contains("Value: SNAPSHOT");
	}

	@Test
	void replicaUrlFromDefaultsDoesNotCount() {
		FailureAnalysis analysis = analyze("routing-pools.defaults.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.weight=1");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.replicas.replica-a.url");
	}

	@Test
	void replicaUrlWithSeveralHosts() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://h1:5432,h2:5432/app?password=hunter2");
		assertThat(analysis.getDescription()).contains("must name exactly one host").doesNotContain("hunter2");
	}

	@Test
	void dedicatedTenantWithoutUrl() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.tenants.dedicated.bigcorp.maximum-pool-size=4");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.tenants.dedicated.bigcorp.url")
			.contains("a dedicated tenant needs the JDBC URL of its own database");
		assertThat(analysis.getAction()).contains("Set routing-pools.tenants.dedicated.bigcorp.url");
	}

	@Test
	void sessionVariableThatIsNotACustomSetting() {
		FailureAnalysis analysis = analyze("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.tenants.session-variable=search_path");
		assertThat(analysis.getDescription()).contains("Property: routing-pools.tenants.session-variable")
			.contains("Value: search_path")
			.contains("PostgreSQL's own settings");
		assertThat(analysis.getAction()).contains("app.tenant_id");
	}

	@Test
	void everyProblemIsReportedAtOnceWithoutPasswords() {
		FailureAnalysis analysis = analyze("routing-pools.primary.maximum-pool-size=-1",
				"routing-pools.replicas.replica-a.weight=1");
		assertThat(analysis.getDescription()).contains("routing-pools.primary.maximum-pool-size")
			.contains("routing-pools.replicas.replica-a.url")
			.contains("routing-pools.primary.url")
			.doesNotContain("s3cret-pw");
		assertThat(analysis.getAction()).doesNotContain("s3cret-pw");
	}

	@Test
	void unknownLoadBalancerIsReportedWithTheValidValues(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
			.properties("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
					"routing-pools.primary.initialization-fail-timeout=-1ms",
					"routing-pools.routing.load-balancer=fastest")
			.run());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("routing-pools.routing.load-balancer")
			.contains("fastest")
			.contains("ROUND_ROBIN");
	}

	@Test
	void invalidConfigurationIsReportedWhenTheApplicationStarts(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
			.properties("routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app",
					"routing-pools.defaults.password=s3cret-pw", "routing-pools.replicas.replica-a.weight=1")
			.run());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: routing-pools.replicas.replica-a.url")
			.doesNotContain("s3cret-pw");
	}

	private FailureAnalysis analyze(String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withPropertyValues(properties).run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).as("startup failure").isNotNull();
		FailureAnalysis analysis = new InvalidRoutingPoolsConfigurationFailureAnalyzer().analyze(failure[0]);
		assertThat(analysis).as("analysis of %s", failure[0]).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class Empty {

	}

}
