package io.routingpools.routing;

import java.io.InputStream;
import java.io.Reader;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * What it takes to create a re-runnable statement again on another physical connection
 * (see {@link ReRuns}): how it was created, and the calls made on it before its first
 * execution ({@code set*} and {@code clearParameters}), in order. Only statements that
 * are re-runnable when created have one; the generated delegation creates it (one object
 * that also holds the creation arguments) and records each call as one small lambda.
 */
abstract class StatementRecording {

	private static final StatementCall[] NONE = {};

	private StatementCall[] calls = NONE;

	private int size;

	/**
	 * Create the statement again, as the application created it.
	 * @param physical the connection of the new binding
	 * @return a new driver statement
	 * @throws SQLException if the driver fails
	 */
	abstract Statement create(Connection physical) throws SQLException;

	/**
	 * Record a call to replay on the statement created again.
	 * @param call the call
	 */
	final void add(StatementCall call) {
		if (this.size == this.calls.length) {
			this.calls = Arrays.copyOf(this.calls, Math.max(8, this.size * 2));
		}
		this.calls[this.size++] = call;
	}

	/**
	 * Create the statement again and replay the recorded calls on it, in order.
	 * @param physical the connection of the new binding
	 * @return the new driver statement, as the old one was before its first execution
	 * @throws SQLException if the driver fails; the new statement is closed then
	 */
	final Statement recreate(Connection physical) throws SQLException {
		Statement statement = create(physical);
		try {
			for (int i = 0; i < this.size; i++) {
				this.calls[i].applyTo(statement);
			}
		}
		catch (SQLException | RuntimeException ex) {
			try {
				statement.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
		return statement;
	}

	/**
	 * Whether a value passed to a setter can be passed again to another statement: not a
	 * stream or reader, which the first statement may have consumed, nor a JDBC object
	 * that may belong to the physical connection that was lost (LOBs, arrays, refs, ...).
	 * @param value the value
	 * @return {@code true} if replaying the call is safe
	 */
	static boolean replayable(@Nullable Object value) {
		return !(value instanceof InputStream || value instanceof Reader || value instanceof Blob
				|| value instanceof Clob || value instanceof Array || value instanceof SQLXML || value instanceof Ref
				|| value instanceof RowId || value instanceof Struct);
	}

	/**
	 * A call made on a re-runnable statement before its first execution.
	 */
	@FunctionalInterface
	interface StatementCall {

		void applyTo(Statement statement) throws SQLException;

	}

}
