package io.routingpools.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;

/**
 * What cluster tests do to nodes directly, beside the application under test.
 */
public final class Nodes {

	private Nodes() {
	}

	/**
	 * Run SQL on a node, as its superuser, outside the application's pools.
	 * @param node the node
	 * @param sql the statement
	 */
	public static void execute(PostgresNode node, String sql) {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Undo paused replay: resume it on every replica and wait until they caught up, so
	 * that the next test starts from replicas that have replayed everything.
	 * @param cluster the cluster
	 */
	public static void resumeReplay(EmbeddedPostgresCluster cluster) {
		cluster.replicas().forEach(PostgresNode::resumeReplay);
		cluster.awaitReplication();
	}

}
