package io.routingpools.tenant;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.routingpools.RoutingPools;
import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.Transactions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.core.BaseConnection;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static io.routingpools.tenant.TenantRows.ACME;
import static io.routingpools.tenant.TenantRows.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tenant's session variable never outlives its work on a physical connection (DESIGN
 * section 7): with one connection per pool, the connection tenant
 * {@value TenantRows#ACME} used reads nothing when borrowed next without a tenant, and
 * shows {@value TenantRows#GLOBEX} only its own value and rows, after a commit, a
 * rollback after an error, an error in auto-commit work, a close without commit, an
 * abort, on a replica as on the primary. The backend pid proves that the next work runs
 * on the same physical connection. The setting is transaction-local in transactions and
 * for the session in auto-commit work. Proven on the embedded cluster.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class SessionVariableResetOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createRows(EmbeddedPostgresCluster cluster) {
		TenantRows.create(cluster);
		runner = TenantRows.applications(cluster);
	}

	@Test
	void afterACommittedTransactionTheConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			SessionState acme = TenantScope.call(ACME,
					() -> write(context).execute((status) -> SessionState.of(jdbc(context))));
			assertReusedCarryingNothingOf(context, acme, () -> SessionState.of(jdbc(context)));
		});
	}

	@Test
	void afterAnErrorAndARollbackInATransactionTheConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			AtomicReference<SessionState> acme = new AtomicReference<>();
			assertThatThrownBy(() -> TenantScope.run(ACME, () -> write(context).executeWithoutResult((status) -> {
				acme.set(SessionState.of(jdbc(context)));
				jdbc(context).execute("SELECT 1 / 0");
			}))).hasMessageContaining("division by zero");
			assertReusedCarryingNothingOf(context, acme.get(), () -> SessionState.of(jdbc(context)));
		});
	}

	@Test
	void afterAnErrorInAutoCommitWorkTheConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			AtomicReference<SessionState> acme = new AtomicReference<>();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> TenantScope.call(ACME, () -> {
				try (Connection connection = dataSource(context).getConnection();
						Statement statement = connection.createStatement()) {
					acme.set(SessionState.of(connection));
					return statement.execute("SELECT 1 / 0");
				}
			})).withMessageContaining("division by zero");
			assertReusedCarryingNothingOf(context, acme.get(), () -> SessionState.of(jdbc(context)));
		});
	}

	@Test
	void afterAutoCommitWorkTheConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			SessionState acme = TenantScope.call(ACME, () -> SessionState.of(jdbc(context)));
			assertReusedCarryingNothingOf(context, acme, () -> SessionState.of(jdbc(context)));
		});
	}

	@Test
	void afterACloseWithoutCommitInManualCommitModeTheConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			SessionState acme = TenantScope.call(ACME, () -> {
				try (Connection connection = dataSource(context).getConnection()) {
					connection.setAutoCommit(false);
					return SessionState.of(connection);
				}
			});
			assertReusedCarryingNothingOf(context, acme, () -> SessionState.of(jdbc(context)));
		});
	}

	@Test
	void afterAnAbortTheConnectionIsNeverLentAgain() {
		runner.run((context) -> {
			SessionState acme = TenantScope.call(ACME, () -> {
				Connection connection = dataSource(context).getConnection();
				SessionState state = SessionState.of(connection);
				connection.abort(Runnable::run);
				return state;
			});
			assertThat(acme.setting()).isEqualTo(ACME);
			SessionState next = SessionState.ofPool(context, acme.pool());
			assertThat(next.pid()).isNotEqualTo(acme.pid());
			assertThat(next.carriesNoTenant()).as("%s", next).isTrue();
		});
	}

	@Test
	void afterAReadOnlyTransactionTheReplicaConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			oneReplicaInRotation(context);
			SessionState acme = TenantScope.call(ACME,
					() -> readOnly(context).execute((status) -> SessionState.of(jdbc(context))));
			assertThat(acme.inRecovery()).isTrue();
			assertReusedCarryingNothingOf(context, acme,
					() -> readOnly(context).execute((status) -> SessionState.of(jdbc(context))));
		});
	}

	@Test
	void afterAnErrorAndARollbackInAReadOnlyTransactionTheReplicaConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			oneReplicaInRotation(context);
			AtomicReference<SessionState> acme = new AtomicReference<>();
			assertThatThrownBy(() -> TenantScope.run(ACME, () -> readOnly(context).executeWithoutResult((status) -> {
				acme.set(SessionState.of(jdbc(context)));
				jdbc(context).execute("SELECT 1 / 0");
			}))).hasMessageContaining("division by zero");
			assertThat(acme.get().inRecovery()).isTrue();
			assertReusedCarryingNothingOf(context, acme.get(),
					() -> readOnly(context).execute((status) -> SessionState.of(jdbc(context))));
		});
	}

	@Test
	void afterReadOnlyAutoCommitWorkTheReplicaConnectionCarriesNothingOfTheTenant() {
		runner.run((context) -> {
			oneReplicaInRotation(context);
			SessionState acme = TenantScope.call(ACME, () -> readOnlyAutoCommit(context));
			assertThat(acme.inRecovery()).isTrue();
			assertReusedCarryingNothingOf(context, acme, () -> readOnlyAutoCommit(context));
		});
	}

	@Test
	void afterPlainReadsOutsideTransactionsTheReplicaConnectionCarriesNothingOfTheTenant() {
		runner.withPropertyValues("routing-pools.routing.auto-commit-reads=replica").run((context) -> {
			oneReplicaInRotation(context);
			SessionState acme = TenantScope.call(ACME, () -> SessionState.of(jdbc(context)));
			assertThat(acme.inRecovery()).isTrue();
			assertReusedCarryingNothingOf(context, acme, () -> SessionState.of(jdbc(context)));
		});
	}

	@Test
	void inATransactionTheSettingIsTransactionLocalAndGoneAtCommitWithoutAReset() {
		runner.run((context) -> TenantScope.call(ACME, () -> {
			try (Connection connection = dataSource(context).getConnection()) {
				connection.setAutoCommit(false);
				// The driver's connection keeps the binding: no reset runs at commit.
				Connection physical = connection.unwrap(BaseConnection.class);
				assertThat(SessionState.of(connection).setting()).isEqualTo(ACME);
				connection.commit();
				assertThat(SessionState.of(physical).setting()).isEmpty();
			}
			return null;
		}));
	}

	@Test
	void inAutoCommitWorkTheSettingIsForTheSessionUntilTheConnectionGoesBack() {
		runner.run((context) -> {
			SessionState acme = TenantScope.call(ACME, () -> {
				try (Connection connection = dataSource(context).getConnection()) {
					Connection physical = connection.unwrap(BaseConnection.class);
					SessionState.of(connection);
					// A statement of its own, past the routing DataSource, in a
					// transaction of its own.
					return SessionState.of(physical);
				}
			});
			assertThat(acme.setting()).isEqualTo(ACME);
			SessionState next = SessionState.ofPool(context, acme.pool());
			assertThat(next.pid()).isEqualTo(acme.pid());
			assertThat(next.setting()).isEmpty();
		});
	}

	/**
	 * The physical connection of tenant acme's work is lent next: borrowed from its pool
	 * directly, without a tenant, it carries no setting and reads no row; through the
	 * application, globex's work on it sees globex's value and rows only.
	 */
	private static void assertReusedCarryingNothingOf(ApplicationContext context, SessionState acme,
			Callable<SessionState> work) throws Exception {
		assertThat(acme.setting()).isEqualTo(ACME);
		SessionState none = SessionState.ofPool(context, acme.pool());
		assertThat(none.pid()).isEqualTo(acme.pid());
		assertThat(none.carriesNoTenant()).as("%s", none).isTrue();
		assertThat(none.visibleTenants()).isEmpty();
		SessionState globex = TenantScope.call(GLOBEX, work);
		assertThat(globex.pid()).isEqualTo(acme.pid());
		assertThat(globex.setting()).isEqualTo(GLOBEX);
		assertThat(globex.visibleTenants()).containsExactly(GLOBEX);
	}

	// Read-only work always lands on replica-1, whose one connection it then reuses.
	private static void oneReplicaInRotation(ApplicationContext context) {
		context.getBean(RoutingPools.class).drain("replica-2");
	}

	private static SessionState readOnlyAutoCommit(ApplicationContext context) throws SQLException {
		try (Connection connection = dataSource(context).getConnection()) {
			connection.setReadOnly(true);
			return SessionState.of(connection);
		}
	}

	private static DataSource dataSource(ApplicationContext context) {
		return context.getBean(DataSource.class);
	}

	private static JdbcTemplate jdbc(ApplicationContext context) {
		return context.getBean(JdbcTemplate.class);
	}

	private static TransactionTemplate write(ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private static TransactionTemplate readOnly(ApplicationContext context) {
		return Transactions.readOnly(context.getBean(PlatformTransactionManager.class));
	}

}
