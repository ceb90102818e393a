package io.routingpools.routing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * A result set of a routed statement or of routed metadata: reports the logical statement
 * (none for metadata, as JDBC allows) and passes every driver error through
 * {@link RoutingConnection#failed(SQLException)}; a connection lost while rows are
 * fetched reaches the router like one lost while a statement runs. The plain delegation
 * of every other method is generated at build time ({@code DelegatingRoutedResultSet}).
 */
abstract class RoutedResultSet implements ResultSet {

	private final StatementTrackingConnection connection;

	private final @Nullable Statement statement;

	final ResultSet delegate;

	RoutedResultSet(RoutedStatement statement, ResultSet delegate) {
		this.connection = statement.connection;
		this.statement = statement;
		this.delegate = delegate;
	}

	RoutedResultSet(RoutedDatabaseMetaData metaData, ResultSet delegate) {
		this.connection = metaData.connection;
		this.statement = null;
		this.delegate = delegate;
	}

	final SQLException failed(SQLException ex) {
		return this.connection.failed(ex);
	}

	@Override
	public @Nullable Statement getStatement() {
		return this.statement;
	}

	@Override
	public String toString() {
		return "RoutedResultSet[" + this.delegate + "]";
	}

}
