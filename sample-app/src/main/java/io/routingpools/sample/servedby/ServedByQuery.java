package io.routingpools.sample.servedby;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Asks the database which node it is. It must run inside the caller's transaction, on the
 * connection that did the caller's work: outside one it would bind a connection of its
 * own, possibly on another node, so it refuses to run there.
 */
@Component
public class ServedByQuery {

	// cluster_name is set on every node of the embedded cluster; external servers may
	// leave
	// it empty, and then the server's address names the node.
	private static final String SQL = """
			select coalesce(nullif(current_setting('cluster_name'), ''), host(inet_server_addr())) as node,
			       pg_is_in_recovery() as replica,
			       inet_server_port() as port
			""";

	private final JdbcClient jdbc;

	public ServedByQuery(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The node serving the current transaction.
	 * @return the node
	 * @throws org.springframework.transaction.IllegalTransactionStateException if there
	 * is no transaction
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public ServedBy current() {
		return this.jdbc.sql(SQL).query(ServedBy.class).single();
	}

}
