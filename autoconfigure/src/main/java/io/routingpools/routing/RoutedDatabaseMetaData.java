package io.routingpools.routing;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Metadata of a {@link RoutingConnection}: reports the logical connection as its own,
 * wraps the result sets it returns, and passes every driver error through
 * {@link RoutingConnection#failed(SQLException)}. It describes the physical connection it
 * came from: do not keep it past the transaction that produced it. The plain delegation
 * of every other method is generated at build time
 * ({@code DelegatingRoutedDatabaseMetaData}).
 */
abstract class RoutedDatabaseMetaData implements DatabaseMetaData {

	final StatementTrackingConnection connection;

	final DatabaseMetaData delegate;

	RoutedDatabaseMetaData(StatementTrackingConnection connection, DatabaseMetaData delegate) {
		this.connection = connection;
		this.delegate = delegate;
	}

	final SQLException failed(SQLException ex) {
		return this.connection.failed(ex);
	}

	final @Nullable ResultSet wrap(@Nullable ResultSet resultSet) {
		return (resultSet != null) ? new DelegatingRoutedResultSet(this, resultSet) : null;
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

}
