package io.routingpools.tenant;

import java.sql.SQLException;
import java.util.List;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.Transactions;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static io.routingpools.tenant.TenantRows.ACME;
import static io.routingpools.tenant.TenantRows.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Row-level security through JPA (Hibernate begins and ends each transaction with
 * {@code setAutoCommit} itself), for an ordinary role ({@link TenantRows}): a tenant's
 * entity query reads only its rows on a replica, and an entity of another tenant is
 * refused by the policy at flush. Proven on the embedded cluster.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class RowLevelSecurityJpaOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createRows(EmbeddedPostgresCluster cluster) {
		TenantRows.create(cluster);
		runner = TenantRows.applications(cluster, "spring.jpa.hibernate.ddl-auto=none")
			.withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class))
			.withUserConfiguration(Entities.class);
	}

	@Test
	void aTenantsEntityQueryInAReadOnlyTransactionReadsOnlyItsRowsOnAReplica() {
		runner.run((context) -> {
			EntityManager entities = entities(context);
			List<Object> read = TenantScope.call(ACME, () -> Transactions
				.readOnly(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> List.of(entities.createNativeQuery("SELECT pg_is_in_recovery()").getSingleResult(),
						entities.createQuery("SELECT o FROM TenantOrder o", TenantOrder.class)
							.getResultList()
							.stream()
							.map(TenantOrder::tenantId)
							.distinct()
							.toList())));
			assertThat(read).containsExactly(true, List.of(ACME));
		});
	}

	@Test
	void anEntityATenantPersistsForAnotherTenantIsRefusedByThePolicy() {
		runner.run((context) -> {
			EntityManager entities = entities(context);
			TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> TenantScope.run(ACME,
					() -> write.executeWithoutResult(
							(status) -> entities.persist(new TenantOrder(GLOBEX, "persisted by " + ACME)))))
				.rootCause()
				.hasMessageContaining("row-level security policy")
				.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("42501"));
		});
	}

	private static EntityManager entities(ApplicationContext context) {
		return SharedEntityManagerCreator.createSharedEntityManager(context.getBean(EntityManagerFactory.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = TenantOrder.class)
	static class Entities {

	}

}
