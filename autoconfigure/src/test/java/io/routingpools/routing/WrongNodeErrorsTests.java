package io.routingpools.routing;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.test.stub.StubPools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatObject;

/**
 * How a "read-only transaction" error (SQLSTATE 25006) is made to say which pool served
 * the connection and why, and what is left untouched.
 */
class WrongNodeErrorsTests {

	private static final String READ_ONLY_ERROR = "ERROR: cannot execute INSERT in a read-only transaction";

	private static NamedPools pools;

	@BeforeAll
	static void startPools() {
		pools = StubPools.start(1, "replica-a");
	}

	@AfterAll
	static void closePools() {
		pools.close();
	}

	@Test
	void aReadOnlyErrorNamesThePoolAndTheReasonForTheRoute() {
		SQLException enriched = WrongNodeErrors.enrich(readOnlyError(), route("replica-a", RouteReason.READ_ONLY));
		assertThat(enriched.getMessage()).startsWith(READ_ONLY_ERROR)
			.contains("pool 'replica-a', routed there because the transaction is read-only")
			.contains("remove readOnly or move the write out");
	}

	@Test
	void aReadOnlyErrorKeepsItsSqlStateVendorCodeAndCause() {
		SQLException original = readOnlyError();
		SQLException enriched = WrongNodeErrors.enrich(original, route("replica-a", RouteReason.READ_ONLY));
		assertThat(enriched.getSQLState()).isEqualTo("25006");
		assertThat(enriched.getErrorCode()).isEqualTo(7);
		assertThatObject(enriched.getCause()).isSameAs(original);
	}

	@Test
	void aReadOnlyErrorAfterFallbackSaysTheReadFellBack() {
		SQLException enriched = WrongNodeErrors.enrich(readOnlyError(), route("primary", RouteReason.FALLBACK));
		assertThat(enriched.getMessage()).contains("pool 'primary'")
			.contains("no replica could serve it")
			.contains("remove readOnly or move the write out");
	}

	@Test
	void aReadOnlyErrorOnAnExplicitRouteSaysThePoolWasNamed() {
		SQLException enriched = WrongNodeErrors.enrich(readOnlyError(), route("replica-a", RouteReason.EXPLICIT));
		assertThat(enriched.getMessage()).contains("it was named explicitly with @UsePool or PoolRouting")
			.contains("does not accept writes");
	}

	@Test
	void aBatchErrorStaysABatchErrorWithItsUpdateCounts() {
		BatchUpdateException original = new BatchUpdateException(READ_ONLY_ERROR, "25006", 7, new long[] { 1, -3 },
				null);
		SQLException enriched = WrongNodeErrors.enrich(original, route("replica-a", RouteReason.READ_ONLY));
		assertThatObject(enriched).isInstanceOf(BatchUpdateException.class);
		assertThat(enriched.getMessage()).contains("pool 'replica-a'");
		BatchUpdateException batch = (BatchUpdateException) enriched;
		assertThat(batch.getLargeUpdateCounts()).containsExactly(1, -3);
		assertThat(batch.getSQLState()).isEqualTo("25006");
		assertThatObject(batch.getCause()).isSameAs(original);
	}

	@Test
	void aBatchErrorKeepsTheErrorsChainedToIt() {
		BatchUpdateException original = new BatchUpdateException(READ_ONLY_ERROR + "; Call getNextException", "25006",
				0, new long[] { -3 }, null);
		SQLException next = new SQLException(READ_ONLY_ERROR, "25006");
		original.setNextException(next);
		SQLException enriched = WrongNodeErrors.enrich(original, route("replica-a", RouteReason.READ_ONLY));
		assertThatObject(enriched.getNextException()).isSameAs(next);
	}

	@Test
	void anyOtherErrorIsReturnedUnchanged() {
		SQLException other = new SQLException("ERROR: relation \"missing\" does not exist", "42P01");
		assertThatObject(WrongNodeErrors.enrich(other, route("replica-a", RouteReason.READ_ONLY))).isSameAs(other);
	}

	@Test
	void anErrorWithoutSqlStateIsReturnedUnchanged() {
		SQLException other = new SQLException("no state");
		assertThatObject(WrongNodeErrors.enrich(other, route("replica-a", RouteReason.READ_ONLY))).isSameAs(other);
	}

	private static SQLException readOnlyError() {
		return new SQLException(READ_ONLY_ERROR, "25006", 7);
	}

	private static Route route(String pool, RouteReason reason) {
		NamedPool named = pools.find(pool);
		assertThat(named).isNotNull();
		return new Route(named, reason);
	}

}
