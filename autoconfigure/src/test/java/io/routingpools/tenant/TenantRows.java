package io.routingpools.tenant;

import java.util.ArrayList;
import java.util.List;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import io.routingpools.test.ClusterApplications;
import io.routingpools.test.Nodes;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The row-level-security setup of the tenant cluster tests, as docs/tenants.md describes
 * it: an ordinary login role for the application ({@value #ROLE}: no superuser, no
 * {@code BYPASSRLS}, not the owner), a table owned by another role ({@value #OWNER}) with
 * row-level security enabled and a policy on {@code app.tenant_id}, and one seeded row of
 * each of the tenants {@value #ACME} and {@value #GLOBEX}. Roles are cluster-wide and
 * replicate like the table, so the replicas serve the same setup. The embedded cluster
 * checks passwords ({@code scram-sha-256} for TCP clients), so the application's pools
 * log in with the role's own password.
 */
final class TenantRows {

	static final String ROLE = "rls_app";

	static final String OWNER = "rls_owner";

	static final String TABLE = "tenant_orders";

	static final String ACME = "acme";

	static final String GLOBEX = "globex";

	private static final String PASSWORD = "rls-app-password";

	private TenantRows() {
	}

	/**
	 * Create the roles, the table, its policy and the seeded rows on the primary, as the
	 * superuser, if not there yet, and wait until the replicas replayed them.
	 * @param cluster the cluster
	 */
	static void create(EmbeddedPostgresCluster cluster) {
		PostgresNode primary = cluster.primary();
		Nodes.execute(primary,
				"DO $$ BEGIN " + "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + OWNER + "') THEN "
						+ "CREATE ROLE " + OWNER + " NOLOGIN; END IF; "
						+ "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN " + "CREATE ROLE "
						+ ROLE + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "'; END IF; " + "END $$");
		Nodes.execute(primary, "CREATE TABLE IF NOT EXISTS " + TABLE
				+ " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id text NOT NULL, item text NOT NULL)");
		Nodes.execute(primary, "ALTER TABLE " + TABLE + " OWNER TO " + OWNER);
		Nodes.execute(primary, "ALTER TABLE " + TABLE + " ENABLE ROW LEVEL SECURITY");
		Nodes.execute(primary, "DROP POLICY IF EXISTS tenant_isolation ON " + TABLE);
		Nodes.execute(primary,
				"CREATE POLICY tenant_isolation ON " + TABLE
						+ " USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))"
						+ " WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))");
		Nodes.execute(primary, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + TABLE + " TO " + ROLE);
		Nodes.execute(primary,
				"INSERT INTO " + TABLE + " (tenant_id, item) SELECT id, id || '-seed' FROM unnest(array['" + ACME
						+ "', '" + GLOBEX + "']) AS id WHERE NOT EXISTS (SELECT FROM " + TABLE + ")");
		cluster.awaitReplication();
	}

	/**
	 * Applications on the cluster whose pools log in as {@value #ROLE}; see
	 * {@link #properties(String...)}.
	 * @param cluster the cluster
	 * @param more more properties, as {@code name=value}
	 * @return the runner
	 */
	static ApplicationContextRunner applications(EmbeddedPostgresCluster cluster, String... more) {
		return ClusterApplications.jdbc(cluster, properties(more));
	}

	/**
	 * The properties of applications whose pools log in as {@value #ROLE}, with
	 * {@code app.tenant_id} as the session variable, one connection per pool (so that
	 * work reuses the physical connection of the work before it) and reads that do not
	 * follow writes (so that read-only work runs on a replica).
	 * @param more more properties, as {@code name=value}
	 * @return the properties, as {@code name=value}
	 */
	static String[] properties(String... more) {
		List<String> properties = new ArrayList<>(List.of("routing-pools.defaults.username=" + ROLE,
				"routing-pools.defaults.password=" + PASSWORD, "routing-pools.defaults.maximum-pool-size=1",
				"routing-pools.tenants.session-variable=app.tenant_id", "routing-pools.consistency.mode=none"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

}
