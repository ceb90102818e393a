package io.routingpools.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static io.routingpools.tenant.TenantRows.ACME;
import static io.routingpools.tenant.TenantRows.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work of more than one tenant on one logical connection, and bindings kept past the end
 * of a transaction: each piece of work runs with its own tenant's setting or is refused,
 * never with another tenant's. A binding belongs to the tenant in effect when it began;
 * between transactions, another tenant's work ends it and binds again, closing what it
 * kept; inside a transaction, or on a statement kept from it, another tenant's work is
 * refused (SQLSTATE 25001). A statement kept open across a commit carries its tenant into
 * the next transaction, in manual-commit and in auto-commit mode. Proven on the embedded
 * cluster.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class TenantSwitchOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createRows(EmbeddedPostgresCluster cluster) {
		TenantRows.create(cluster);
		runner = TenantRows.applications(cluster);
	}

	@Test
	void aRequiresNewTransactionOfAnotherTenantAndTheTransactionAroundItSeeOnlyTheirOwnRows() {
		runner.withPropertyValues("routing-pools.primary.maximum-pool-size=2").run((context) -> {
			TransactionTemplate requiresNew = write(context);
			requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			AtomicReference<List<SessionState>> states = new AtomicReference<>();
			TenantScope.run(ACME, () -> write(context).executeWithoutResult((outer) -> {
				SessionState before = SessionState.of(jdbc(context));
				AtomicReference<SessionState> inner = new AtomicReference<>();
				TenantScope.run(GLOBEX,
						() -> inner.set(requiresNew.execute((status) -> SessionState.of(jdbc(context)))));
				states.set(List.of(before, inner.get(), SessionState.of(jdbc(context))));
			}));
			assertThat(states.get()).extracting(SessionState::visibleTenants)
				.containsExactly(List.of(ACME), List.of(GLOBEX), List.of(ACME));
		});
	}

	@Test
	void anotherTenantsWorkInsideATransactionIsRefused() {
		runner.run((context) -> assertThatThrownBy(
				() -> TenantScope.run(ACME, () -> write(context).executeWithoutResult((status) -> {
					SessionState.of(jdbc(context));
					TenantScope.run(GLOBEX, () -> SessionState.of(jdbc(context)));
				})))
			.rootCause()
			.hasMessageContaining("'" + GLOBEX + "'")
			.hasMessageContaining("'" + ACME + "'")
			.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("25001")));
	}

	@Test
	void anAutoCommitConnectionUsedForOneTenantThenAnotherShowsTheSecondOnlyItsOwnRows() {
		runner.run((context) -> {
			try (Connection connection = dataSource(context).getConnection()) {
				forTenant(ACME, () -> SessionState.of(connection));
				SessionState globex = forTenant(GLOBEX, () -> SessionState.of(connection));
				assertThat(globex.setting()).isEqualTo(GLOBEX);
				assertThat(globex.visibleTenants()).containsExactly(GLOBEX);
			}
		});
	}

	@Test
	void anAutoCommitConnectionUsedForATenantThenWithoutOneReadsNothing() {
		runner.run((context) -> {
			try (Connection connection = dataSource(context).getConnection()) {
				forTenant(ACME, () -> SessionState.of(connection));
				SessionState none = forTenant(null, () -> SessionState.of(connection));
				assertThat(none.carriesNoTenant()).as("%s", none).isTrue();
				assertThat(none.visibleTenants()).isEmpty();
			}
		});
	}

	@Test
	void aTransactionOnABindingKeptByAnOpenStatementRunsForTheTenantNowInEffect() {
		runner.run((context) -> {
			try (Connection connection = dataSource(context).getConnection()) {
				connection.setAutoCommit(false);
				forTenant(ACME, () -> {
					// Left open, it keeps the binding past the commit; closing the
					// connection closes it.
					PreparedStatement kept = SessionState.prepare(connection);
					SessionState.of(kept);
					connection.commit();
					return kept;
				});
				SessionState globex = forTenant(GLOBEX, () -> {
					SessionState state = SessionState.of(connection);
					connection.commit();
					return state;
				});
				assertThat(globex.setting()).isEqualTo(GLOBEX);
				assertThat(globex.visibleTenants()).containsExactly(GLOBEX);
			}
		});
	}

	@Test
	void aStatementKeptOpenAcrossACommitRunsTheNextTransactionForItsTenant() {
		runner.run((context) -> {
			List<SessionState> transactions = forTenant(ACME, () -> {
				try (Connection connection = dataSource(context).getConnection()) {
					connection.setAutoCommit(false);
					PreparedStatement kept = SessionState.prepare(connection);
					SessionState first = SessionState.of(kept);
					connection.commit();
					SessionState next = SessionState.of(kept);
					connection.commit();
					return List.of(first, next);
				}
			});
			assertThat(transactions.get(1).pid()).isEqualTo(transactions.get(0).pid());
			assertThat(transactions.get(1).setting()).isEqualTo(ACME);
			assertThat(transactions.get(1).visibleTenants()).containsExactly(ACME);
		});
	}

	@Test
	void aStatementKeptOpenWhenAutoCommitIsSwitchedOnRunsForItsTenantUntilTheConnectionGoesBack() {
		runner.run((context) -> {
			SessionState autoCommit = forTenant(ACME, () -> {
				try (Connection connection = dataSource(context).getConnection()) {
					connection.setAutoCommit(false);
					PreparedStatement kept = SessionState.prepare(connection);
					SessionState.of(kept);
					connection.setAutoCommit(true);
					return SessionState.of(kept);
				}
			});
			assertThat(autoCommit.visibleTenants()).containsExactly(ACME);
			SessionState next = SessionState.ofPool(context, autoCommit.pool());
			assertThat(next.pid()).isEqualTo(autoCommit.pid());
			assertThat(next.carriesNoTenant()).as("%s", next).isTrue();
		});
	}

	@Test
	void autoCommitWorkOnABindingKeptFromATransactionRunsForItsTenantUntilTheConnectionGoesBack() {
		runner.run((context) -> {
			SessionState autoCommit = forTenant(ACME, () -> {
				try (Connection connection = dataSource(context).getConnection()) {
					connection.setAutoCommit(false);
					PreparedStatement kept = SessionState.prepare(connection);
					SessionState.of(kept);
					connection.commit();
					connection.setAutoCommit(true);
					return SessionState.of(connection);
				}
			});
			assertThat(autoCommit.visibleTenants()).containsExactly(ACME);
			SessionState next = SessionState.ofPool(context, autoCommit.pool());
			assertThat(next.pid()).isEqualTo(autoCommit.pid());
			assertThat(next.carriesNoTenant()).as("%s", next).isTrue();
		});
	}

	@Test
	void aStatementOfOneTenantsWorkIsRefusedForAnothers() {
		runner.run((context) -> {
			try (Connection connection = dataSource(context).getConnection();
					PreparedStatement acmes = forTenant(ACME, () -> SessionState.prepare(connection))) {
				forTenant(ACME, () -> SessionState.of(acmes));
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> forTenant(GLOBEX, () -> SessionState.of(acmes)))
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25001"));
			}
		});
	}

	private static <T> T forTenant(@Nullable String tenant, Callable<T> work) throws Exception {
		String previous = TenantScope.enter(tenant);
		try {
			return work.call();
		}
		finally {
			TenantScope.restore(previous);
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

}
