package io.routingpools.routing;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Stream;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.ServedBy;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Read-only work that a hot standby refuses to run (serializable isolation: "cannot use
 * serializable mode in a hot standby", SQLSTATE 0A000, after which HikariCP closes the
 * connection) is served by the primary instead, on the embedded cluster.
 */
@ExtendWith({ EmbeddedClusterExtension.class, OutputCaptureExtension.class })
class StandbyUnsupportedWorkOnClusterTests {

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void configure(EmbeddedPostgresCluster sharedCluster) {
		cluster = sharedCluster;
		runner = ClusterApplications.jdbc(cluster);
	}

	@Test
	void aSerializableReadOnlyTransactionIsServedByThePrimaryWithoutLosingAConnection(CapturedOutput output) {
		runner.run((context) -> {
			ServedBy servedBy = readOnly(context, TransactionDefinition.ISOLATION_SERIALIZABLE)
				.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
			assertThat(lostAConnection(output)).isFalse();
		});
	}

	@Test
	void aRepeatableReadReadOnlyTransactionIsStillServedByAReplica() {
		runner.run((context) -> {
			ServedBy servedBy = readOnly(context, TransactionDefinition.ISOLATION_REPEATABLE_READ)
				.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
			assertThat(servedBy.onReplica()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void withSerializableAsThePoolsDefaultReadOnlyTransactionsAreServedByThePrimary() {
		runner.withPropertyValues("spring.datasource.hikari.transaction-isolation=TRANSACTION_SERIALIZABLE")
			.run((context) -> {
				ServedBy servedBy = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
					.execute((status) -> ServedBy.query(context.getBean(JdbcTemplate.class)));
				assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
			});
	}

	@Test
	void aSerializablePoolDefaultIsWarnedAboutAtStartupNamingTheProperty(CapturedOutput output) {
		runner.withPropertyValues("spring.datasource.hikari.transaction-isolation=serializable")
			.run((context) -> assertThat(output)
				.contains("spring.datasource.hikari.transaction-isolation=serializable makes every read-only "
						+ "transaction ineligible for replicas"));
	}

	@Test
	void aSerializableServerDefaultIsLearnedAndReadOnlyTransactionsAreServedByThePrimary(CapturedOutput output) {
		String serializable = "?options=-c%20default_transaction_isolation%3Dserializable";
		String[] urls = Stream.concat(Stream.of(cluster.primary()), cluster.replicas().stream())
			.map((node) -> urlProperty(node) + "=" + node.jdbcUrl() + serializable)
			.toArray(String[]::new);
		runner.withPropertyValues(urls).run((context) -> {
			TransactionTemplate readOnly = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(Arrays.asList(readOnly.execute((status) -> ServedBy.query(jdbc)),
					readOnly.execute((status) -> ServedBy.query(jdbc))))
				.allSatisfy((servedBy) -> assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue());
			assertThat(lostAConnection(output)).isFalse();
			assertThat(output).contains("The server's default transaction isolation is serializable");
		});
	}

	@Test
	void serializableWorkNamedToAReplicaFailsWith0A000BeforeReachingIt(CapturedOutput output) {
		runner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate serializable = readOnly(context, TransactionDefinition.ISOLATION_SERIALIZABLE);
			assertThatThrownBy(() -> PoolRouting.run("replica-1",
					() -> serializable.execute((status) -> jdbc.queryForObject("select 1", Integer.class))))
				.rootCause()
				.hasMessageContaining("Pool 'replica-1' is a hot standby")
				.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("0A000"));
			assertThat(lostAConnection(output)).isFalse();
		});
	}

	private static TransactionTemplate readOnly(ApplicationContext context, int isolation) {
		TransactionTemplate template = Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
		template.setIsolationLevel(isolation);
		return template;
	}

	private static String urlProperty(PostgresNode node) {
		return "routing-pools." + (node.isReplicaAtStart() ? "replicas." + node.name() : "primary") + ".url";
	}

	/**
	 * Whether HikariCP threw a connection away after a fatal SQLSTATE (it does for
	 * 0A000).
	 */
	private static boolean lostAConnection(CapturedOutput output) {
		return output.getAll().contains("marked as broken");
	}

}
