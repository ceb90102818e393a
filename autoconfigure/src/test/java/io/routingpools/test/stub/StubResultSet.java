package io.routingpools.test.stub;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * The result of every stub query: one row, one column, the integer {@code 1}.
 */
public final class StubResultSet extends ResultSetAdapter {

	private static final Integer VALUE = 1;

	private final StubPreparedStatement statement;

	// 0 before the row, 1 on it, 2 after it
	private int position;

	private boolean closed = true;

	StubResultSet(StubPreparedStatement statement) {
		this.statement = statement;
	}

	StubResultSet rewind() {
		this.position = 0;
		this.closed = false;
		return this;
	}

	private void checkRow(int columnIndex) throws SQLException {
		if (this.closed || this.position != 1) {
			throw new SQLException(this.closed ? "ResultSet is closed" : "Not on a row");
		}
		if (columnIndex != 1) {
			throw new SQLException("Column index out of range: " + columnIndex);
		}
	}

	@Override
	public boolean next() throws SQLException {
		if (this.closed) {
			throw new SQLException("ResultSet is closed");
		}
		this.statement.stubConnection().throwFailureIfAny();
		if (this.position < 2) {
			this.position++;
		}
		return this.position == 1;
	}

	@Override
	public int getInt(int columnIndex) throws SQLException {
		checkRow(columnIndex);
		return VALUE;
	}

	@Override
	public long getLong(int columnIndex) throws SQLException {
		checkRow(columnIndex);
		return VALUE;
	}

	@Override
	public Object getObject(int columnIndex) throws SQLException {
		checkRow(columnIndex);
		return VALUE;
	}

	@Override
	public String getString(int columnIndex) throws SQLException {
		checkRow(columnIndex);
		return "1";
	}

	@Override
	public boolean wasNull() {
		return false;
	}

	@Override
	public int findColumn(String columnLabel) throws SQLException {
		return 1;
	}

	@Override
	public Statement getStatement() {
		return this.statement;
	}

	@Override
	public SQLWarning getWarnings() {
		return null;
	}

	@Override
	public void clearWarnings() {
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		throw new SQLException("Not a wrapper for " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

}
