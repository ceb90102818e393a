package io.routingpools.autoconfigure;

import java.sql.Connection;

import com.zaxxer.hikari.HikariDataSource;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The spellings of {@code transaction-isolation} that docs/configuration.md promises: any
 * case, with or without the {@code TRANSACTION_} prefix, or the JDBC number; HikariCP
 * gets the prefixed constant name, the one spelling every HikariCP version reads.
 */
class IsolationLevelsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoutingPoolsAutoConfiguration.class))
		.withPropertyValues("routing-pools.defaults.initialization-fail-timeout=-1ms",
				"routing-pools.defaults.minimum-idle=0",
				"routing-pools.primary.url=jdbc:postgresql://127.0.0.1:9/primary",
				"routing-pools.replicas.replica-a.url=jdbc:postgresql://127.0.0.1:9/replica_a");

	@ParameterizedTest
	@ValueSource(strings = { "TRANSACTION_READ_COMMITTED", "transaction_read_committed", "READ_COMMITTED",
			"read_committed", "Read_Committed", " read_committed ", "2" })
	void everyDocumentedSpellingIsAccepted(String value) {
		assertThat(IsolationLevels.parse(value)).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
		assertThat(IsolationLevels.toHikari(value)).isEqualTo("TRANSACTION_READ_COMMITTED");
	}

	@Test
	void eachLevelHasItsNameAndNumber() {
		assertThat(IsolationLevels.toHikari("1")).isEqualTo("TRANSACTION_READ_UNCOMMITTED");
		assertThat(IsolationLevels.toHikari("repeatable_read")).isEqualTo("TRANSACTION_REPEATABLE_READ");
		assertThat(IsolationLevels.toHikari("8")).isEqualTo("TRANSACTION_SERIALIZABLE");
	}

	@ParameterizedTest
	@ValueSource(strings = { "SNAPSHOT", "TRANSACTION_NONE", "0", "READ_TRANSACTION_COMMITTED",
			"TRANSACTION_TRANSACTION_READ_COMMITTED", "READ COMMITTED", "" })
	void anythingElseIsRefusedNamingTheAcceptedValues(String value) {
		assertThat(IsolationLevels.isLevel(value)).isFalse();
		assertThat(IsolationLevels.toHikari(value)).isEqualTo(value);
		assertThatIllegalArgumentException().isThrownBy(() -> IsolationLevels.parse(value))
			.withMessageContaining(IsolationLevels.ACCEPTED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "read_committed", "READ_COMMITTED", "2" })
	void everyPoolGetsTheConstantNameHikariReads(String value) {
		this.runner.withPropertyValues("routing-pools.primary.transaction-isolation=" + value).run((context) -> {
			assertThat(context).hasNotFailed();
			for (NamedPool pool : context.getBean(NamedPools.class).all()) {
				assertThat(pool.dataSource().getTransactionIsolation()).as(pool.name())
					.isEqualTo("TRANSACTION_READ_COMMITTED");
			}
		});
	}

	@Test
	void springDatasourceHikariSpellingsAreAcceptedToo() {
		this.runner.withPropertyValues("spring.datasource.hikari.transaction-isolation=repeatable_read")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource primary = context.getBean(NamedPools.class).primary().dataSource();
				assertThat(primary.getTransactionIsolation()).isEqualTo("TRANSACTION_REPEATABLE_READ");
			});
	}

	@Test
	void aValueNamingNoLevelIsReportedWithTheAcceptedValues() {
		this.runner.withPropertyValues("routing-pools.admin.transaction-isolation=read committed").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidRoutingPoolsConfigurationException.class);
			InvalidRoutingPoolsConfigurationException invalid = (InvalidRoutingPoolsConfigurationException) NestedExceptionUtils
				.getMostSpecificCause(context.getStartupFailure());
			assertThat(invalid.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.property()).isEqualTo("routing-pools.admin.transaction-isolation");
				assertThat(problem.value()).isEqualTo("read committed");
				assertThat(problem.action()).contains(IsolationLevels.ACCEPTED);
			});
		});
	}

}
