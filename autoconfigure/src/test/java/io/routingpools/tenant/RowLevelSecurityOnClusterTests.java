package io.routingpools.tenant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static io.routingpools.tenant.TenantRows.ACME;
import static io.routingpools.tenant.TenantRows.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Row-level security on {@code routing-pools.tenants.session-variable}, for an ordinary
 * role ({@link TenantRows}): a tenant reads only its own rows and writes only its own, on
 * the primary in transactions and in auto-commit work, and on a replica in read-only
 * transactions, in read-only auto-commit work and in plain reads outside transactions;
 * work without a tenant reads nothing. Proven on the embedded cluster.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class RowLevelSecurityOnClusterTests {

	private static final String INSERT = "INSERT INTO " + TenantRows.TABLE + " (tenant_id, item) VALUES (?, ?)";

	private static EmbeddedPostgresCluster cluster;

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createRows(EmbeddedPostgresCluster sharedCluster) {
		cluster = sharedCluster;
		TenantRows.create(cluster);
		runner = TenantRows.applications(cluster).withUserConfiguration(Services.class);
	}

	@Test
	void thePoolsLogInAsAnOrdinaryRoleThatDoesNotOwnTheTable() {
		runner.run((context) -> {
			Map<String, Object> role = jdbc(context).queryForMap("SELECT current_user AS name, r.rolsuper, "
					+ "r.rolbypassrls, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity "
					+ "FROM pg_roles AS r, pg_class AS c WHERE r.rolname = current_user AND c.oid = ?::regclass",
					TenantRows.TABLE);
			assertThat(role).containsEntry("name", TenantRows.ROLE)
				.containsEntry("rolsuper", false)
				.containsEntry("rolbypassrls", false)
				.containsEntry("owner", TenantRows.OWNER)
				.containsEntry("relrowsecurity", true);
		});
	}

	@Test
	void workWithoutATenantReadsNoRows() {
		runner.run((context) -> assertThat(SessionState.of(jdbc(context)).visibleTenants()).isEmpty());
	}

	@Test
	void aTenantReadsOnlyItsRowsInAWriteTransactionOnThePrimary() {
		runner.run((context) -> {
			SessionState state = TenantScope.call(ACME,
					() -> write(context).execute((status) -> SessionState.of(jdbc(context))));
			assertThat(state.pool()).isEqualTo("primary");
			assertThat(state.visibleTenants()).containsExactly(ACME);
		});
	}

	@Test
	void aTenantReadsOnlyItsRowsInAutoCommitWorkOnThePrimary() {
		runner.run((context) -> {
			SessionState state = TenantScope.call(GLOBEX, () -> SessionState.of(jdbc(context)));
			assertThat(state.pool()).isEqualTo("primary");
			assertThat(state.visibleTenants()).containsExactly(GLOBEX);
		});
	}

	@Test
	void aTenantReadsOnlyItsRowsInATransactionalReadOnlyMethodOnAReplica() {
		runner.run((context) -> {
			SessionState state = TenantScope.call(ACME, () -> context.getBean(Reports.class).read());
			assertThat(state.inRecovery()).isTrue();
			assertThat(state.visibleTenants()).containsExactly(ACME);
		});
	}

	@Test
	void aTenantReadsOnlyItsRowsInAManualCommitReadOnlyTransactionOnAReplica() {
		runner.run((context) -> {
			SessionState state = TenantScope.call(GLOBEX, () -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					connection.setReadOnly(true);
					connection.setAutoCommit(false);
					SessionState read = SessionState.of(connection);
					connection.commit();
					return read;
				}
			});
			assertThat(state.inRecovery()).isTrue();
			assertThat(state.visibleTenants()).containsExactly(GLOBEX);
		});
	}

	@Test
	void aTenantReadsOnlyItsRowsInReadOnlyAutoCommitWorkOnAReplica() {
		runner.run((context) -> {
			SessionState state = TenantScope.call(ACME, () -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					connection.setReadOnly(true);
					return SessionState.of(connection);
				}
			});
			assertThat(state.inRecovery()).isTrue();
			assertThat(state.visibleTenants()).containsExactly(ACME);
		});
	}

	@Test
	void aTenantsPlainReadsOutsideTransactionsReadOnlyItsRowsOnAReplica() {
		runner.withPropertyValues("routing-pools.routing.auto-commit-reads=replica").run((context) -> {
			SessionState state = TenantScope.call(GLOBEX, () -> SessionState.of(jdbc(context)));
			assertThat(state.inRecovery()).isTrue();
			assertThat(state.visibleTenants()).containsExactly(GLOBEX);
		});
	}

	@Test
	void aRowATenantWritesOnThePrimaryReachesItsReadsOnAReplicaButNotAnotherTenants() {
		runner.run((context) -> {
			String item = "written-" + UUID.randomUUID();
			TenantScope.run(ACME,
					() -> write(context).executeWithoutResult((status) -> jdbc(context).update(INSERT, ACME, item)));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> TenantScope.call(ACME, () -> readOnAReplica(context, item)),
						(read) -> read.onReplica() && read.found());
			cluster.awaitReplication();
			assertThat(TenantScope.call(GLOBEX, () -> readOnAReplica(context, item)))
				.isEqualTo(new ItemRead(true, false));
		});
	}

	@Test
	void aTenantCannotWriteARowOfAnotherTenant() {
		runner.run((context) -> assertThatThrownBy(
				() -> TenantScope.run(ACME, () -> jdbc(context).update(INSERT, GLOBEX, "not " + ACME + "'s")))
			.rootCause()
			.hasMessageContaining("row-level security policy")
			.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("42501")));
	}

	private static ItemRead readOnAReplica(ApplicationContext context, String item) {
		ItemRead read = Transactions.readOnly(context.getBean(PlatformTransactionManager.class))
			.execute((status) -> jdbc(context).queryForObject(
					"SELECT pg_is_in_recovery(), EXISTS (SELECT FROM " + TenantRows.TABLE + " WHERE item = ?)",
					(row, number) -> new ItemRead(row.getBoolean(1), row.getBoolean(2)), item));
		if (read == null) {
			throw new IllegalStateException("No row");
		}
		return read;
	}

	private static JdbcTemplate jdbc(ApplicationContext context) {
		return context.getBean(JdbcTemplate.class);
	}

	private static TransactionTemplate write(ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	/**
	 * What a read-only transaction found.
	 *
	 * @param onReplica whether it ran on a replica
	 * @param found whether it read the item
	 */
	record ItemRead(boolean onReplica, boolean found) {

	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Reports reports(JdbcTemplate jdbc) {
			return new Reports(jdbc);
		}

	}

	static class Reports {

		private final JdbcTemplate jdbc;

		Reports(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public SessionState read() {
			return SessionState.of(this.jdbc);
		}

	}

}
