package io.routingpools.autoconfigure;

import java.util.List;

import io.routingpools.autoconfigure.InvalidRoutingPoolsConfigurationException.Problem;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every problem reaches the one startup report, whichever layer it is in: values
 * HikariCP's setters would refuse are reported under the property the user wrote
 * (replicas and {@code defaults} included, and {@code spring.datasource.hikari} under its
 * own prefix) rather than escaping as HikariCP's exception, and what HikariCP still
 * refuses when a pool is mapped joins the report with the others.
 */
@ExtendWith(OutputCaptureExtension.class)
class EveryLayerReportedTests {

	private static final String PRIMARY_URL = "routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app";

	private static final String REPLICA_1_URL = "routing-pools.replicas.replica-1.url=jdbc:postgresql://127.0.0.1:9/r1";

	private static final String REPLICA_2_URL = "routing-pools.replicas.replica-2.url=jdbc:postgresql://127.0.0.1:9/r2";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0", "routing-pools.defaults.password=s3cret-pw");

	@Test
	void poolSizeBelowOneInDefaultsWithReplicas() {
		List<Problem> problems = problems(PRIMARY_URL, REPLICA_1_URL, "routing-pools.defaults.maximum-pool-size=-1");
		assertThat(problems)
			.containsExactly(new Problem("routing-pools.defaults.maximum-pool-size", "-1", "must be at least 1",
					"Set routing-pools.defaults.maximum-pool-size to 1 or more, or remove it to use the default"));
	}

	@Test
	void negativeMinimumIdleOnAReplica() {
		List<Problem> problems = problems(PRIMARY_URL, REPLICA_1_URL,
				"routing-pools.replicas.replica-1.minimum-idle=-3");
		assertThat(problems).singleElement()
			.satisfies((problem) -> assertThat(problem.property())
				.isEqualTo("routing-pools.replicas.replica-1.minimum-idle"))
			.satisfies((problem) -> assertThat(problem.value()).isEqualTo("-3"));
	}

	@Test
	void validationTimeoutBelowHikarisFloorOnAReplica() {
		List<Problem> problems = problems(PRIMARY_URL, REPLICA_1_URL,
				"routing-pools.replicas.replica-1.validation-timeout=10ms");
		assertThat(problems).containsExactly(new Problem("routing-pools.replicas.replica-1.validation-timeout", "10ms",
				"must be at least 250ms",
				"Set routing-pools.replicas.replica-1.validation-timeout to 250ms or more, or remove it to use the default"));
	}

	@Test
	void springDatasourceHikariIsCheckedUnderItsOwnPrefix() {
		List<Problem> problems = problems("spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app", REPLICA_1_URL,
				"spring.datasource.hikari.connection-timeout=10");
		assertThat(problems).containsExactly(new Problem("spring.datasource.hikari.connection-timeout", "10ms",
				"must be at least 250ms",
				"Set spring.datasource.hikari.connection-timeout to 250ms or more, or remove it to use the default"));
	}

	@Test
	void springDatasourceHikariValuesOverriddenByRoutingPoolsAreStillChecked() {
		assertThat(problems(PRIMARY_URL, "routing-pools.defaults.maximum-pool-size=5",
				"spring.datasource.hikari.maximum-pool-size=0"))
			.extracting(Problem::property)
			.containsExactly("spring.datasource.hikari.maximum-pool-size");
	}

	@Test
	void everyProblemOfEveryLayerIsReportedAtOnce() {
		List<Problem> problems = problems(PRIMARY_URL, REPLICA_1_URL,
				// routing-pools.defaults
				"routing-pools.defaults.idle-timeout=-5s", "routing-pools.defaults.maximum-pool-size=-1",
				// a replica, and replicas themselves
				"routing-pools.replicas.replica-1.minimum-idle=-3",
				"routing-pools.replicas.replica-1.validation-timeout=10ms", "routing-pools.replicas.replica-1.weight=0",
				"routing-pools.replicas.replica-2.weight=1", "routing-pools.replicas.admin.url=jdbc:postgresql://h/app",
				// the primary, the admin pool and routing
				"routing-pools.primary.transaction-isolation=SNAPSHOT", "routing-pools.admin.max-waiting=-1",
				"routing-pools.routing.fallback-max-concurrency=-2",
				// Spring Boot's layer
				"spring.datasource.hikari.connection-timeout=10",
				"spring.datasource.hikari.leak-detection-threshold=-1s",
				// HikariCP's own refusal, which no check covers
				"routing-pools.replicas.replica-1.driver-class-name=com.example.NoSuchDriver");
		assertThat(problems).extracting(Problem::property)
			.containsExactlyInAnyOrder("routing-pools.defaults.idle-timeout",
					"routing-pools.defaults.maximum-pool-size", "routing-pools.replicas.replica-1.minimum-idle",
					"routing-pools.replicas.replica-1.validation-timeout", "routing-pools.replicas.replica-1.weight",
					"routing-pools.replicas.replica-2.url", "routing-pools.replicas.admin",
					"routing-pools.primary.transaction-isolation", "routing-pools.admin.max-waiting",
					"routing-pools.routing.fallback-max-concurrency", "spring.datasource.hikari.connection-timeout",
					"spring.datasource.hikari.leak-detection-threshold",
					"routing-pools.replicas.replica-1.driver-class-name");
		assertThat(problems).extracting(Problem::value).doesNotContain("s3cret-pw").contains("-5s", "10ms", "-1s");
		assertThat(problems).allSatisfy((problem) -> assertThat(problem.toString()).doesNotContain("s3cret-pw"));
	}

	@Test
	void valueHikariRefusesThatNoCheckCoversIsReportedWithHikarisReason() {
		List<Problem> problems = problems(PRIMARY_URL, REPLICA_1_URL,
				"routing-pools.replicas.replica-1.driver-class-name=com.example.NoSuchDriver");
		assertThat(problems).singleElement().satisfies((problem) -> {
			assertThat(problem.property()).isEqualTo("routing-pools.replicas.replica-1.driver-class-name");
			assertThat(problem.value()).isEqualTo("com.example.NoSuchDriver");
			assertThat(problem.reason()).startsWith("HikariCP refuses it: ").contains("com.example.NoSuchDriver");
			assertThat(problem.action()).isEqualTo(
					"Set routing-pools.replicas.replica-1.driver-class-name to a value HikariCP accepts, or remove it");
		});
	}

	@Test
	void valueHikariRefusesInEveryPoolIsReportedOnceNamingWhereItIsWritten() {
		List<Problem> problems = problems(PRIMARY_URL, REPLICA_1_URL, REPLICA_2_URL,
				"routing-pools.defaults.exception-override-class-name=com.example.NoSuchOverride");
		assertThat(problems).singleElement().satisfies((problem) -> {
			assertThat(problem.property()).isEqualTo("routing-pools.primary.exception-override-class-name");
			assertThat(problem.reason()).contains("com.example.NoSuchOverride");
			assertThat(problem.action()).startsWith(
					"Correct routing-pools.defaults.exception-override-class-name, " + "which pool 'primary' inherits");
		});
	}

	@Test
	void valueHikariRefusesFromSpringDatasourceNamesThatProperty() {
		List<Problem> problems = problems("spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app",
				"spring.datasource.driver-class-name=com.example.NoSuchDriver");
		assertThat(problems).singleElement().satisfies((problem) -> {
			assertThat(problem.property()).isEqualTo("routing-pools.primary.driver-class-name");
			assertThat(problem.action()).startsWith("Correct spring.datasource.driver-class-name");
		});
	}

	@Test
	void dataSourceClassNameWithADriverIsReportedOnceInsteadOfFailingThePoolStart() {
		List<Problem> problems = problems("spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app",
				"spring.datasource.driver-class-name=org.postgresql.Driver",
				"routing-pools.defaults.data-source-class-name=org.postgresql.ds.PGSimpleDataSource");
		assertThat(problems).singleElement().satisfies((problem) -> {
			assertThat(problem.property()).isEqualTo("routing-pools.primary.data-source-class-name");
			assertThat(problem.value()).isEqualTo("org.postgresql.ds.PGSimpleDataSource");
			assertThat(problem.reason()).contains("org.postgresql.Driver, from spring.datasource.driver-class-name");
			assertThat(problem.action()).isEqualTo("Keep one of the two: remove "
					+ "routing-pools.defaults.data-source-class-name, or the driver class name from "
					+ "spring.datasource.driver-class-name");
		});
	}

	@Test
	void valuesHikariRefusesAreInTheStartupReportNotHikarisException(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(InvalidConfigurationFailureAnalyzerTests.Empty.class)
				.web(WebApplicationType.NONE)
				.properties(PRIMARY_URL, REPLICA_1_URL, "routing-pools.defaults.initialization-fail-timeout=-1ms",
						"routing-pools.defaults.idle-timeout=-5s", "routing-pools.replicas.replica-1.minimum-idle=-3",
						"spring.datasource.hikari.connection-timeout=10")
				.run());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: routing-pools.defaults.idle-timeout")
			.contains("Value: -5s")
			.contains("Property: routing-pools.replicas.replica-1.minimum-idle")
			.contains("Property: spring.datasource.hikari.connection-timeout")
			.doesNotContain("idleTimeout cannot be negative")
			.doesNotContain("connectionTimeout cannot be less than")
			.doesNotContain("minimumIdle cannot be negative");
	}

	@Test
	void reportOfARefusedValueIsAFailureAnalysis() {
		FailureAnalysis analysis = new InvalidRoutingPoolsConfigurationFailureAnalyzer().analyze(failure(PRIMARY_URL,
				REPLICA_1_URL, "routing-pools.replicas.replica-1.driver-class-name=com.example.NoSuchDriver"));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Property: routing-pools.replicas.replica-1.driver-class-name")
			.contains("Value: com.example.NoSuchDriver")
			.contains("Reason: HikariCP refuses it");
		assertThat(analysis.getAction()).contains("routing-pools.replicas.replica-1.driver-class-name");
	}

	private List<Problem> problems(String... properties) {
		return findCause(failure(properties)).getProblems();
	}

	private Throwable failure(String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withPropertyValues(properties).run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).as("startup failure").isNotNull();
		return failure[0];
	}

	private static InvalidRoutingPoolsConfigurationException findCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidRoutingPoolsConfigurationException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("No InvalidRoutingPoolsConfigurationException in " + failure, failure);
	}

}
