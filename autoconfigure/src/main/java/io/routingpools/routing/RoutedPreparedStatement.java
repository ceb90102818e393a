package io.routingpools.routing;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement of a {@link RoutingConnection}; see {@link RoutedStatement}.
 */
final class RoutedPreparedStatement extends RoutedStatement implements PreparedStatement {

	private final PreparedStatement prepared;

	RoutedPreparedStatement(RoutingConnection connection, PreparedStatement prepared) {
		super(connection, prepared);
		this.prepared = prepared;
	}

	@Override
	public void addBatch() throws SQLException {
		this.prepared.addBatch();
	}

	@Override
	public void clearParameters() throws SQLException {
		this.prepared.clearParameters();
	}

	@Override
	public boolean execute() throws SQLException {
		try {
			return this.prepared.execute();
		}
		catch (SQLException ex) {
			throw this.connection.statementFailed(ex);
		}
	}

	@Override
	public long executeLargeUpdate() throws SQLException {
		try {
			return this.prepared.executeLargeUpdate();
		}
		catch (SQLException ex) {
			throw this.connection.statementFailed(ex);
		}
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		try {
			return this.prepared.executeQuery();
		}
		catch (SQLException ex) {
			throw this.connection.statementFailed(ex);
		}
	}

	@Override
	public int executeUpdate() throws SQLException {
		try {
			return this.prepared.executeUpdate();
		}
		catch (SQLException ex) {
			throw this.connection.statementFailed(ex);
		}
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return this.prepared.getMetaData();
	}

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		return this.prepared.getParameterMetaData();
	}

	@Override
	public void setArray(int parameterIndex, Array x) throws SQLException {
		this.prepared.setArray(parameterIndex, x);
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
		this.prepared.setAsciiStream(parameterIndex, x, length);
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
		this.prepared.setAsciiStream(parameterIndex, x, length);
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
		this.prepared.setAsciiStream(parameterIndex, x);
	}

	@Override
	public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
		this.prepared.setBigDecimal(parameterIndex, x);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
		this.prepared.setBinaryStream(parameterIndex, x, length);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
		this.prepared.setBinaryStream(parameterIndex, x, length);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
		this.prepared.setBinaryStream(parameterIndex, x);
	}

	@Override
	public void setBlob(int parameterIndex, InputStream x, long length) throws SQLException {
		this.prepared.setBlob(parameterIndex, x, length);
	}

	@Override
	public void setBlob(int parameterIndex, InputStream x) throws SQLException {
		this.prepared.setBlob(parameterIndex, x);
	}

	@Override
	public void setBlob(int parameterIndex, Blob x) throws SQLException {
		this.prepared.setBlob(parameterIndex, x);
	}

	@Override
	public void setBoolean(int parameterIndex, boolean x) throws SQLException {
		this.prepared.setBoolean(parameterIndex, x);
	}

	@Override
	public void setByte(int parameterIndex, byte x) throws SQLException {
		this.prepared.setByte(parameterIndex, x);
	}

	@Override
	public void setBytes(int parameterIndex, byte[] x) throws SQLException {
		this.prepared.setBytes(parameterIndex, x);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader x, int length) throws SQLException {
		this.prepared.setCharacterStream(parameterIndex, x, length);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
		this.prepared.setCharacterStream(parameterIndex, x, length);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader x) throws SQLException {
		this.prepared.setCharacterStream(parameterIndex, x);
	}

	@Override
	public void setClob(int parameterIndex, Reader x, long length) throws SQLException {
		this.prepared.setClob(parameterIndex, x, length);
	}

	@Override
	public void setClob(int parameterIndex, Reader x) throws SQLException {
		this.prepared.setClob(parameterIndex, x);
	}

	@Override
	public void setClob(int parameterIndex, Clob x) throws SQLException {
		this.prepared.setClob(parameterIndex, x);
	}

	@Override
	public void setDate(int parameterIndex, Date x, Calendar calendar) throws SQLException {
		this.prepared.setDate(parameterIndex, x, calendar);
	}

	@Override
	public void setDate(int parameterIndex, Date x) throws SQLException {
		this.prepared.setDate(parameterIndex, x);
	}

	@Override
	public void setDouble(int parameterIndex, double x) throws SQLException {
		this.prepared.setDouble(parameterIndex, x);
	}

	@Override
	public void setFloat(int parameterIndex, float x) throws SQLException {
		this.prepared.setFloat(parameterIndex, x);
	}

	@Override
	public void setInt(int parameterIndex, int x) throws SQLException {
		this.prepared.setInt(parameterIndex, x);
	}

	@Override
	public void setLong(int parameterIndex, long x) throws SQLException {
		this.prepared.setLong(parameterIndex, x);
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
		this.prepared.setNCharacterStream(parameterIndex, x, length);
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader x) throws SQLException {
		this.prepared.setNCharacterStream(parameterIndex, x);
	}

	@Override
	public void setNClob(int parameterIndex, Reader x, long length) throws SQLException {
		this.prepared.setNClob(parameterIndex, x, length);
	}

	@Override
	public void setNClob(int parameterIndex, Reader x) throws SQLException {
		this.prepared.setNClob(parameterIndex, x);
	}

	@Override
	public void setNClob(int parameterIndex, NClob x) throws SQLException {
		this.prepared.setNClob(parameterIndex, x);
	}

	@Override
	public void setNString(int parameterIndex, String x) throws SQLException {
		this.prepared.setNString(parameterIndex, x);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
		this.prepared.setNull(parameterIndex, sqlType, typeName);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType) throws SQLException {
		this.prepared.setNull(parameterIndex, sqlType);
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
		this.prepared.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
		this.prepared.setObject(parameterIndex, x, targetSqlType);
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		this.prepared.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
		this.prepared.setObject(parameterIndex, x, targetSqlType);
	}

	@Override
	public void setObject(int parameterIndex, Object x) throws SQLException {
		this.prepared.setObject(parameterIndex, x);
	}

	@Override
	public void setRef(int parameterIndex, Ref x) throws SQLException {
		this.prepared.setRef(parameterIndex, x);
	}

	@Override
	public void setRowId(int parameterIndex, RowId x) throws SQLException {
		this.prepared.setRowId(parameterIndex, x);
	}

	@Override
	public void setSQLXML(int parameterIndex, SQLXML x) throws SQLException {
		this.prepared.setSQLXML(parameterIndex, x);
	}

	@Override
	public void setShort(int parameterIndex, short x) throws SQLException {
		this.prepared.setShort(parameterIndex, x);
	}

	@Override
	public void setString(int parameterIndex, String x) throws SQLException {
		this.prepared.setString(parameterIndex, x);
	}

	@Override
	public void setTime(int parameterIndex, Time x, Calendar calendar) throws SQLException {
		this.prepared.setTime(parameterIndex, x, calendar);
	}

	@Override
	public void setTime(int parameterIndex, Time x) throws SQLException {
		this.prepared.setTime(parameterIndex, x);
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x, Calendar calendar) throws SQLException {
		this.prepared.setTimestamp(parameterIndex, x, calendar);
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
		this.prepared.setTimestamp(parameterIndex, x);
	}

	@Override
	public void setURL(int parameterIndex, URL x) throws SQLException {
		this.prepared.setURL(parameterIndex, x);
	}

	@Override
	@Deprecated
	public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
		this.prepared.setUnicodeStream(parameterIndex, x, length);
	}

}
