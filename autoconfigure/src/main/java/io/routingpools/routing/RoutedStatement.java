package io.routingpools.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * A statement of a {@link RoutingConnection} (plain, prepared or callable): reports the
 * logical connection as its own, tells it when it closes, and passes every driver error
 * through {@link RoutingConnection#failed(SQLException)}, so that wrong-node errors are
 * enriched with the route and connection errors reach the router. Its result sets are
 * wrapped too. The plain delegation of every other method is generated at build time
 * ({@code DelegatingRoutedStatement}, {@code DelegatingRoutedPreparedStatement},
 * {@code DelegatingRoutedCallableStatement}).
 */
abstract class RoutedStatement implements Statement {

	final StatementTrackingConnection connection;

	final Statement delegate;

	// The binding this statement belongs to: closing it counts only while that binding
	// lasts.
	private final int binding;

	// Whether the connection still counts this statement as open.
	private boolean counted = true;

	RoutedStatement(StatementTrackingConnection connection, Statement delegate) {
		this.connection = connection;
		this.delegate = delegate;
		this.binding = connection.binding();
	}

	final SQLException failed(SQLException ex) {
		return this.connection.failed(ex);
	}

	final @Nullable ResultSet wrap(@Nullable ResultSet resultSet) {
		return (resultSet != null) ? new DelegatingRoutedResultSet(this, resultSet) : null;
	}

	@Override
	public void close() throws SQLException {
		try {
			this.delegate.close();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			uncount();
		}
	}

	// The driver closes the statement when its last result set closes, which may never be
	// seen here: stop counting it now, as the application means to let it go.
	@Override
	public void closeOnCompletion() throws SQLException {
		try {
			this.delegate.closeOnCompletion();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		uncount();
	}

	private void uncount() {
		if (this.counted) {
			this.counted = false;
			this.connection.statementClosed(this.binding);
		}
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

	@Override
	public String toString() {
		return "RoutedStatement[" + this.delegate + "]";
	}

}
