package io.routingpools.jpa;

import java.sql.SQLException;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.test.ClusterProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routing at JPA's transaction boundaries (Hibernate calls {@code setAutoCommit} itself):
 * read-only work declared without a transaction reads from a replica, and a helper that
 * names another pool inside a write transaction fails instead of capturing it.
 */
@SpringBootTest(classes = JpaApplication.class)
@ExtendWith(EmbeddedClusterExtension.class)
class JpaTransactionBoundariesOnClusterTests {

	@Autowired
	private Catalogue catalogue;

	@Autowired
	private JdbcTemplate jdbc;

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ClusterProperties.register(registry, EmbeddedClusterExtension.sharedCluster(),
				"spring.jpa.hibernate.ddl-auto=update", "spring.flyway.enabled=false",
				"spring.liquibase.enabled=false");
	}

	@Test
	void readOnlyWorkWithoutATransactionReadsFromAReplica() {
		assertThat(this.catalogue.poolOfReadOnlyWorkWithoutTransaction()).startsWith("replica-");
	}

	@Test
	void anAdminHelperThatRunsFirstInAWriteTransactionFailsAndTheWriteIsRolledBack() {
		assertThatThrownBy(() -> this.catalogue.saveAfterAdminLookup("after admin lookup")).rootCause()
			.hasMessageContaining("Pool 'admin' was requested")
			.hasMessageContaining("inside a transaction bound to pool 'primary'")
			.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("25001"));
		assertThat(this.jdbc.queryForObject("select count(*) from jpa_notes where body = 'after admin lookup'",
				Integer.class))
			.isZero();
	}

}
