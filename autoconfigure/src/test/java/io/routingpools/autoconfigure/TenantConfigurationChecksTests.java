package io.routingpools.autoconfigure;

import java.util.List;

import io.routingpools.autoconfigure.InvalidRoutingPoolsConfigurationException.Problem;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup checks of {@code routing-pools.tenants.*}: each problem reaches the one
 * startup report with the others, naming the property and the fix. No server is needed:
 * nothing listens on the URLs.
 */
class TenantConfigurationChecksTests {

	private static final String TOO_LONG_ID = "t".repeat(57);

	private static final String BIGCORP_URL = "routing-pools.tenants.dedicated.bigcorp.url=jdbc:postgresql://127.0.0.1:9/bigcorp";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RoutingPoolsAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0", "routing-pools.defaults.password=s3cret-pw",
				"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/app");

	@Test
	void validTenantSettingsStart() {
		this.runner.withPropertyValues(BIGCORP_URL, "routing-pools.tenants.quotas.acme=10",
				"routing-pools.tenants.quotas.Globex_2=1", "routing-pools.tenants.default-quota=0",
				"routing-pools.tenants.quota-wait-timeout=0ms", "routing-pools.tenants.session-variable=app.tenant_id")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void dedicatedTenantWithoutItsOwnUrlDoesNotTakeThePrimarys() {
		assertThat(problems("routing-pools.defaults.url=jdbc:postgresql://127.0.0.1:9/app",
				"routing-pools.tenants.dedicated.bigcorp.maximum-pool-size=4"))
			.singleElement()
			.satisfies((problem) -> {
				assertThat(problem.property()).isEqualTo("routing-pools.tenants.dedicated.bigcorp.url");
				assertThat(problem.value()).isEqualTo("(none)");
				assertThat(problem.reason()).contains("its own database").contains("never takes the primary's");
				assertThat(problem.action()).startsWith("Set routing-pools.tenants.dedicated.bigcorp.url to the JDBC "
						+ "URL of the database of tenant 'bigcorp'");
			});
	}

	@Test
	void dedicatedTenantsSettingsGoThroughTheChecksOfEveryPool() {
		assertThat(problems(BIGCORP_URL, "routing-pools.tenants.dedicated.bigcorp.maximum-pool-size=0",
				"routing-pools.tenants.dedicated.bigcorp.connection-timeout=10ms"))
			.containsExactlyInAnyOrder(new Problem("routing-pools.tenants.dedicated.bigcorp.maximum-pool-size", "0",
					"must be at least 1",
					"Set routing-pools.tenants.dedicated.bigcorp.maximum-pool-size to 1 or more, or remove it to use "
							+ "the default"),
					new Problem("routing-pools.tenants.dedicated.bigcorp.connection-timeout", "10ms",
							"must be at least 250ms",
							"Set routing-pools.tenants.dedicated.bigcorp.connection-timeout to 250ms or more, or "
									+ "remove it to use the default"));
	}

	@Test
	void valueHikariRefusesOnADedicatedTenantIsReportedUnderItsKey() {
		assertThat(problems(BIGCORP_URL,
				"routing-pools.tenants.dedicated.bigcorp.driver-class-name=com.example.NoSuchDriver"))
			.singleElement()
			.satisfies((problem) -> {
				assertThat(problem.property()).isEqualTo("routing-pools.tenants.dedicated.bigcorp.driver-class-name");
				assertThat(problem.reason()).startsWith("HikariCP refuses it: ");
			});
	}

	@Test
	void invalidTenantIdAsADedicatedTenantsKey() {
		assertThat(problems("routing-pools.tenants.dedicated." + TOO_LONG_ID + ".url=jdbc:postgresql://127.0.0.1:9/t"))
			.singleElement()
			.satisfies((problem) -> {
				assertThat(problem.property()).isEqualTo("routing-pools.tenants.dedicated." + TOO_LONG_ID);
				assertThat(problem.value()).isEqualTo(TOO_LONG_ID);
				assertThat(problem.reason())
					.isEqualTo("the id has 57 characters; a tenant id is 1 to 56 ASCII letters, "
							+ "digits, '-' or '_', starting with a letter or digit");
				assertThat(problem.action()).contains("routing-pools.tenants.dedicated." + TOO_LONG_ID)
					.contains("remove the entry");
			});
	}

	@Test
	void invalidTenantIdAsAQuotasKey() {
		assertThat(problems("routing-pools.tenants.quotas[-acme]=3")).singleElement()
			.satisfies((problem) -> assertThat(problem.property()).isEqualTo("routing-pools.tenants.quotas.-acme"))
			.satisfies((problem) -> assertThat(problem.reason()).startsWith("a tenant id is 1 to 56"));
	}

	@Test
	void negativeTenantQuota() {
		assertThat(problems("routing-pools.tenants.quotas.acme=-1"))
			.containsExactly(new Problem("routing-pools.tenants.quotas.acme", "-1", "cannot be negative",
					"Set routing-pools.tenants.quotas.acme to 0 or more, or remove it to use the default"));
	}

	@Test
	void negativeDefaultQuota() {
		assertThat(problems("routing-pools.tenants.default-quota=-1"))
			.containsExactly(new Problem("routing-pools.tenants.default-quota", "-1", "cannot be negative",
					"Set routing-pools.tenants.default-quota to 0 or more, or remove it to use the default"));
	}

	@Test
	void negativeQuotaWaitTimeout() {
		assertThat(problems("routing-pools.tenants.quota-wait-timeout=-1ms"))
			.containsExactly(new Problem("routing-pools.tenants.quota-wait-timeout", "-1ms", "cannot be negative",
					"Set routing-pools.tenants.quota-wait-timeout to 0s or more, or remove it to use the default"));
	}

	@Test
	void sessionVariableWithoutADotWouldSetOneOfPostgresOwnSettings() {
		assertThat(problems("routing-pools.tenants.session-variable=search_path")).singleElement()
			.satisfies((problem) -> {
				assertThat(problem.property()).isEqualTo("routing-pools.tenants.session-variable");
				assertThat(problem.value()).isEqualTo("search_path");
				assertThat(problem.reason()).contains("PostgreSQL's own settings");
				assertThat(problem.action()).contains("<prefix>.<name> such as app.tenant_id");
			});
	}

	@Test
	void sessionVariableThatIsNoIdentifier() {
		assertThat(problems("routing-pools.tenants.session-variable=app.tenant-id")).singleElement()
			.satisfies((problem) -> assertThat(problem.reason()).contains("identifiers"));
	}

	@Test
	void emptySessionVariable() {
		assertThat(problems("routing-pools.tenants.session-variable=")).extracting(Problem::property)
			.containsExactly("routing-pools.tenants.session-variable");
	}

	@Test
	void blankHeader() {
		assertThat(problems("routing-pools.tenants.header=")).singleElement()
			.satisfies((problem) -> assertThat(problem.property()).isEqualTo("routing-pools.tenants.header"))
			.satisfies((problem) -> assertThat(problem.reason()).isEqualTo("names no request header"));
	}

	@Test
	void dedicatedTenantsWhosePoolNamesDifferOnlyInCase() {
		assertThat(problems("routing-pools.tenants.dedicated.acme.url=jdbc:postgresql://127.0.0.1:9/a1",
				"routing-pools.tenants.dedicated.Acme.url=jdbc:postgresql://127.0.0.1:9/a2"))
			.singleElement()
			.satisfies((problem) -> {
				assertThat(problem.property()).isIn("routing-pools.tenants.dedicated.acme",
						"routing-pools.tenants.dedicated.Acme");
				assertThat(problem.reason()).containsPattern("its pool, 'tenant-(acme|Acme)', has the name of pool "
						+ "'tenant-(acme|Acme)' \\(pool names are compared ignoring case\\)");
			});
	}

	@Test
	void everyTenantProblemIsReportedAtOnceWithThoseOfThePools() {
		List<Problem> problems = problems("routing-pools.defaults.idle-timeout=-5s",
				"routing-pools.tenants.dedicated.bigcorp.minimum-idle=-1",
				"routing-pools.tenants.dedicated." + TOO_LONG_ID + ".url=jdbc:postgresql://127.0.0.1:9/t",
				"routing-pools.tenants.dedicated.initech.maximum-pool-size=2", "routing-pools.tenants.header=",
				"routing-pools.tenants.default-quota=-2", "routing-pools.tenants.quota-wait-timeout=-1s",
				"routing-pools.tenants.quotas.acme=-1", "routing-pools.tenants.session-variable=role");
		assertThat(problems).extracting(Problem::property)
			.containsExactlyInAnyOrder("routing-pools.defaults.idle-timeout",
					"routing-pools.tenants.dedicated.bigcorp.minimum-idle",
					"routing-pools.tenants.dedicated.bigcorp.url", "routing-pools.tenants.dedicated." + TOO_LONG_ID,
					"routing-pools.tenants.dedicated.initech.url", "routing-pools.tenants.header",
					"routing-pools.tenants.default-quota", "routing-pools.tenants.quota-wait-timeout",
					"routing-pools.tenants.quotas.acme", "routing-pools.tenants.session-variable");
		assertThat(problems).allSatisfy((problem) -> assertThat(problem.toString()).doesNotContain("s3cret-pw"));
	}

	private List<Problem> problems(String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withPropertyValues(properties).run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).as("startup failure").isNotNull();
		for (Throwable cause = failure[0]; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidRoutingPoolsConfigurationException invalid) {
				return invalid.getProblems();
			}
		}
		throw new AssertionError("No InvalidRoutingPoolsConfigurationException in " + failure[0], failure[0]);
	}

}
