package io.routingpools.routing;

import java.time.Clock;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;

import io.routingpools.consistency.TestConsistency;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverEvents;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.replica.RoundRobinLoadBalancer;
import io.routingpools.replica.SuspectReplicas;
import io.routingpools.test.stub.StubPools;
import io.routingpools.tenant.Tenants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the routing DataSource refuses, each with SQLSTATE 0A000 and the way to do it
 * instead.
 */
class RoutingDataSourceTests {

	private NamedPools pools;

	private RoutingDataSource dataSource;

	@BeforeEach
	void startPools() {
		this.pools = StubPools.start(1, "replica-a");
		Router router = new Router(this.pools, new RoundRobinLoadBalancer(), new FallbackPolicy(true, 0),
				new SuspectReplicas(this.pools.size()), new ReplicaStates(this.pools, Clock.systemUTC()),
				FailoverEvents.NONE, TestConsistency.none(new ReplicaStates(this.pools, Clock.systemUTC())),
				Tenants.withDefaults(this.pools));
		this.dataSource = new RoutingDataSource(router, true, Connection.TRANSACTION_READ_COMMITTED);
	}

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void connectionsWithOtherCredentialsAreRefusedPointingAtThePoolSettings() {
		assertRefused(() -> this.dataSource.getConnection("user", "secret"), "credentials configured for each pool");
	}

	@Test
	void loginTimeoutIsRefusedPointingAtTheConnectionTimeout() {
		assertRefused(() -> this.dataSource.setLoginTimeout(5), "connection-timeout");
	}

	@Test
	void logWriterIsRefusedPointingAtEachPool() {
		assertRefused(() -> this.dataSource.setLogWriter(new PrintWriter(System.out)), "each pool");
	}

	@Test
	void unwrappingToAMemberPoolIsRefusedPointingAtItsQualifier() {
		assertRefused(() -> this.dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class), "@Qualifier");
	}

	private static void assertRefused(Executable call, String hint) {
		SQLException ex = assertThrows(SQLException.class, call);
		assertThat(ex.getSQLState()).isEqualTo("0A000");
		assertThat(ex.getMessage()).contains(hint);
	}

}
