package io.routingpools.test.stub;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * Base of {@link StubPreparedStatement}. Every method fails with
 * {@link SQLFeatureNotSupportedException}; the stub overrides the few that the pool and
 * the benchmarks call. Generated from the interface (one method a line).
 */
@SuppressWarnings("deprecation")
abstract class PreparedStatementAdapter implements PreparedStatement {

	static SQLException unsupported(String method) {
		return new SQLFeatureNotSupportedException(method + " is not supported by the stub driver");
	}

	@Override
	public void addBatch() throws SQLException {
		throw unsupported("addBatch");
	}

	@Override
	public void addBatch(String p1) throws SQLException {
		throw unsupported("addBatch");
	}

	@Override
	public void cancel() throws SQLException {
		throw unsupported("cancel");
	}

	@Override
	public void clearBatch() throws SQLException {
		throw unsupported("clearBatch");
	}

	@Override
	public void clearParameters() throws SQLException {
		throw unsupported("clearParameters");
	}

	@Override
	public void clearWarnings() throws SQLException {
		throw unsupported("clearWarnings");
	}

	@Override
	public void close() throws SQLException {
		throw unsupported("close");
	}

	@Override
	public void closeOnCompletion() throws SQLException {
		throw unsupported("closeOnCompletion");
	}

	@Override
	public boolean execute() throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String p1, int[] p2) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String p1, String[] p2) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String p1, int p2) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String p1) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public int[] executeBatch() throws SQLException {
		throw unsupported("executeBatch");
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		throw unsupported("executeQuery");
	}

	@Override
	public ResultSet executeQuery(String p1) throws SQLException {
		throw unsupported("executeQuery");
	}

	@Override
	public int executeUpdate() throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String p1, int[] p2) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String p1, String[] p2) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String p1, int p2) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String p1) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public Connection getConnection() throws SQLException {
		throw unsupported("getConnection");
	}

	@Override
	public int getFetchDirection() throws SQLException {
		throw unsupported("getFetchDirection");
	}

	@Override
	public int getFetchSize() throws SQLException {
		throw unsupported("getFetchSize");
	}

	@Override
	public ResultSet getGeneratedKeys() throws SQLException {
		throw unsupported("getGeneratedKeys");
	}

	@Override
	public int getMaxFieldSize() throws SQLException {
		throw unsupported("getMaxFieldSize");
	}

	@Override
	public int getMaxRows() throws SQLException {
		throw unsupported("getMaxRows");
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		throw unsupported("getMetaData");
	}

	@Override
	public boolean getMoreResults() throws SQLException {
		throw unsupported("getMoreResults");
	}

	@Override
	public boolean getMoreResults(int p1) throws SQLException {
		throw unsupported("getMoreResults");
	}

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		throw unsupported("getParameterMetaData");
	}

	@Override
	public int getQueryTimeout() throws SQLException {
		throw unsupported("getQueryTimeout");
	}

	@Override
	public ResultSet getResultSet() throws SQLException {
		throw unsupported("getResultSet");
	}

	@Override
	public int getResultSetConcurrency() throws SQLException {
		throw unsupported("getResultSetConcurrency");
	}

	@Override
	public int getResultSetHoldability() throws SQLException {
		throw unsupported("getResultSetHoldability");
	}

	@Override
	public int getResultSetType() throws SQLException {
		throw unsupported("getResultSetType");
	}

	@Override
	public int getUpdateCount() throws SQLException {
		throw unsupported("getUpdateCount");
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		throw unsupported("getWarnings");
	}

	@Override
	public boolean isCloseOnCompletion() throws SQLException {
		throw unsupported("isCloseOnCompletion");
	}

	@Override
	public boolean isClosed() throws SQLException {
		throw unsupported("isClosed");
	}

	@Override
	public boolean isPoolable() throws SQLException {
		throw unsupported("isPoolable");
	}

	@Override
	public boolean isWrapperFor(Class<?> p1) throws SQLException {
		throw unsupported("isWrapperFor");
	}

	@Override
	public void setArray(int p1, Array p2) throws SQLException {
		throw unsupported("setArray");
	}

	@Override
	public void setAsciiStream(int p1, InputStream p2, int p3) throws SQLException {
		throw unsupported("setAsciiStream");
	}

	@Override
	public void setAsciiStream(int p1, InputStream p2, long p3) throws SQLException {
		throw unsupported("setAsciiStream");
	}

	@Override
	public void setAsciiStream(int p1, InputStream p2) throws SQLException {
		throw unsupported("setAsciiStream");
	}

	@Override
	public void setBigDecimal(int p1, BigDecimal p2) throws SQLException {
		throw unsupported("setBigDecimal");
	}

	@Override
	public void setBinaryStream(int p1, InputStream p2, int p3) throws SQLException {
		throw unsupported("setBinaryStream");
	}

	@Override
	public void setBinaryStream(int p1, InputStream p2, long p3) throws SQLException {
		throw unsupported("setBinaryStream");
	}

	@Override
	public void setBinaryStream(int p1, InputStream p2) throws SQLException {
		throw unsupported("setBinaryStream");
	}

	@Override
	public void setBlob(int p1, InputStream p2, long p3) throws SQLException {
		throw unsupported("setBlob");
	}

	@Override
	public void setBlob(int p1, InputStream p2) throws SQLException {
		throw unsupported("setBlob");
	}

	@Override
	public void setBlob(int p1, Blob p2) throws SQLException {
		throw unsupported("setBlob");
	}

	@Override
	public void setBoolean(int p1, boolean p2) throws SQLException {
		throw unsupported("setBoolean");
	}

	@Override
	public void setByte(int p1, byte p2) throws SQLException {
		throw unsupported("setByte");
	}

	@Override
	public void setBytes(int p1, byte[] p2) throws SQLException {
		throw unsupported("setBytes");
	}

	@Override
	public void setCharacterStream(int p1, Reader p2, int p3) throws SQLException {
		throw unsupported("setCharacterStream");
	}

	@Override
	public void setCharacterStream(int p1, Reader p2, long p3) throws SQLException {
		throw unsupported("setCharacterStream");
	}

	@Override
	public void setCharacterStream(int p1, Reader p2) throws SQLException {
		throw unsupported("setCharacterStream");
	}

	@Override
	public void setClob(int p1, Reader p2, long p3) throws SQLException {
		throw unsupported("setClob");
	}

	@Override
	public void setClob(int p1, Reader p2) throws SQLException {
		throw unsupported("setClob");
	}

	@Override
	public void setClob(int p1, Clob p2) throws SQLException {
		throw unsupported("setClob");
	}

	@Override
	public void setCursorName(String p1) throws SQLException {
		throw unsupported("setCursorName");
	}

	@Override
	public void setDate(int p1, Date p2, Calendar p3) throws SQLException {
		throw unsupported("setDate");
	}

	@Override
	public void setDate(int p1, Date p2) throws SQLException {
		throw unsupported("setDate");
	}

	@Override
	public void setDouble(int p1, double p2) throws SQLException {
		throw unsupported("setDouble");
	}

	@Override
	public void setEscapeProcessing(boolean p1) throws SQLException {
		throw unsupported("setEscapeProcessing");
	}

	@Override
	public void setFetchDirection(int p1) throws SQLException {
		throw unsupported("setFetchDirection");
	}

	@Override
	public void setFetchSize(int p1) throws SQLException {
		throw unsupported("setFetchSize");
	}

	@Override
	public void setFloat(int p1, float p2) throws SQLException {
		throw unsupported("setFloat");
	}

	@Override
	public void setInt(int p1, int p2) throws SQLException {
		throw unsupported("setInt");
	}

	@Override
	public void setLong(int p1, long p2) throws SQLException {
		throw unsupported("setLong");
	}

	@Override
	public void setMaxFieldSize(int p1) throws SQLException {
		throw unsupported("setMaxFieldSize");
	}

	@Override
	public void setMaxRows(int p1) throws SQLException {
		throw unsupported("setMaxRows");
	}

	@Override
	public void setNCharacterStream(int p1, Reader p2, long p3) throws SQLException {
		throw unsupported("setNCharacterStream");
	}

	@Override
	public void setNCharacterStream(int p1, Reader p2) throws SQLException {
		throw unsupported("setNCharacterStream");
	}

	@Override
	public void setNClob(int p1, Reader p2, long p3) throws SQLException {
		throw unsupported("setNClob");
	}

	@Override
	public void setNClob(int p1, Reader p2) throws SQLException {
		throw unsupported("setNClob");
	}

	@Override
	public void setNClob(int p1, NClob p2) throws SQLException {
		throw unsupported("setNClob");
	}

	@Override
	public void setNString(int p1, String p2) throws SQLException {
		throw unsupported("setNString");
	}

	@Override
	public void setNull(int p1, int p2, String p3) throws SQLException {
		throw unsupported("setNull");
	}

	@Override
	public void setNull(int p1, int p2) throws SQLException {
		throw unsupported("setNull");
	}

	@Override
	public void setObject(int p1, Object p2, int p3, int p4) throws SQLException {
		throw unsupported("setObject");
	}

	@Override
	public void setObject(int p1, Object p2, int p3) throws SQLException {
		throw unsupported("setObject");
	}

	@Override
	public void setObject(int p1, Object p2) throws SQLException {
		throw unsupported("setObject");
	}

	@Override
	public void setPoolable(boolean p1) throws SQLException {
		throw unsupported("setPoolable");
	}

	@Override
	public void setQueryTimeout(int p1) throws SQLException {
		throw unsupported("setQueryTimeout");
	}

	@Override
	public void setRef(int p1, Ref p2) throws SQLException {
		throw unsupported("setRef");
	}

	@Override
	public void setRowId(int p1, RowId p2) throws SQLException {
		throw unsupported("setRowId");
	}

	@Override
	public void setSQLXML(int p1, SQLXML p2) throws SQLException {
		throw unsupported("setSQLXML");
	}

	@Override
	public void setShort(int p1, short p2) throws SQLException {
		throw unsupported("setShort");
	}

	@Override
	public void setString(int p1, String p2) throws SQLException {
		throw unsupported("setString");
	}

	@Override
	public void setTime(int p1, Time p2, Calendar p3) throws SQLException {
		throw unsupported("setTime");
	}

	@Override
	public void setTime(int p1, Time p2) throws SQLException {
		throw unsupported("setTime");
	}

	@Override
	public void setTimestamp(int p1, Timestamp p2, Calendar p3) throws SQLException {
		throw unsupported("setTimestamp");
	}

	@Override
	public void setTimestamp(int p1, Timestamp p2) throws SQLException {
		throw unsupported("setTimestamp");
	}

	@Override
	public void setURL(int p1, URL p2) throws SQLException {
		throw unsupported("setURL");
	}

	@Override
	@Deprecated
	public void setUnicodeStream(int p1, InputStream p2, int p3) throws SQLException {
		throw unsupported("setUnicodeStream");
	}

	@Override
	public <T> T unwrap(Class<T> p1) throws SQLException {
		throw unsupported("unwrap");
	}

}
