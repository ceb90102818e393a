package io.routingpools.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.ServedBy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work Spring declares read-only without a transaction
 * ({@code @Transactional(readOnly = true, propagation = SUPPORTS)} called outside one)
 * goes to a replica like a read-only transaction, on the embedded cluster.
 */
@ExtendWith(EmbeddedClusterExtension.class)
class ReadOnlyWithoutTransactionOnClusterTests {

	private static ApplicationContextRunner runner;

	@BeforeAll
	static void createTable(EmbeddedPostgresCluster cluster) throws SQLException {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists catalogue_items (id serial primary key, name text)");
		}
		cluster.awaitReplication();
		runner = ClusterApplications.jdbc(cluster).withUserConfiguration(Services.class);
	}

	@Test
	void readOnlyWorkWithoutATransactionRunsOnAReplica() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Catalogue.class).read();
			assertThat(servedBy.onReplica()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void eachStatementOfReadOnlyWorkWithoutATransactionRunsOnAReplica() {
		runner.run((context) -> {
			ServedBy[] servedBy = context.getBean(Catalogue.class).readTwice();
			assertThat(servedBy).allSatisfy((each) -> assertThat(each.onReplica()).as("%s", each).isTrue());
		});
	}

	@Test
	void aWriteInReadOnlyWorkWithoutATransactionFailsWith25006NamingThePool() {
		runner.run((context) -> {
			Catalogue catalogue = context.getBean(Catalogue.class);
			assertThatThrownBy(() -> catalogue.write("pencil")).cause()
				.hasMessageContaining("[routing-pools: connection from pool 'replica-")
				.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("25006"));
		});
	}

	@Test
	void readOnlyWorkCalledInsideAWriteTransactionJoinsItOnThePrimary() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Shop.class).writeThenBrowse();
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
		});
	}

	@Test
	void workWithoutATransactionNotDeclaredReadOnlyStaysOnThePrimary() {
		runner.run((context) -> {
			ServedBy servedBy = context.getBean(Catalogue.class).readWithoutDeclaration();
			assertThat(servedBy.onPrimary()).as("%s", servedBy).isTrue();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Catalogue catalogue(JdbcTemplate jdbc) {
			return new Catalogue(jdbc);
		}

		@Bean
		Shop shop(JdbcTemplate jdbc, Catalogue catalogue) {
			return new Shop(jdbc, catalogue);
		}

	}

	static class Catalogue {

		private final JdbcTemplate jdbc;

		Catalogue(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true, propagation = Propagation.SUPPORTS)
		public ServedBy read() {
			return ServedBy.query(this.jdbc);
		}

		@Transactional(readOnly = true, propagation = Propagation.SUPPORTS)
		public ServedBy[] readTwice() {
			return new ServedBy[] { ServedBy.query(this.jdbc), ServedBy.query(this.jdbc) };
		}

		@Transactional(readOnly = true, propagation = Propagation.SUPPORTS)
		public void write(String name) {
			this.jdbc.update("insert into catalogue_items (name) values (?)", name);
		}

		@Transactional(propagation = Propagation.SUPPORTS)
		public ServedBy readWithoutDeclaration() {
			return ServedBy.query(this.jdbc);
		}

	}

	static class Shop {

		private final JdbcTemplate jdbc;

		private final Catalogue catalogue;

		Shop(JdbcTemplate jdbc, Catalogue catalogue) {
			this.jdbc = jdbc;
			this.catalogue = catalogue;
		}

		@Transactional
		public ServedBy writeThenBrowse() {
			this.jdbc.update("insert into catalogue_items (name) values ('pen')");
			return this.catalogue.read();
		}

	}

}
