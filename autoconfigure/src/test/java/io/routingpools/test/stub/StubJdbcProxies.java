package io.routingpools.test.stub;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.SQLFeatureNotSupportedException;

/**
 * The stub's callable statements and metadata, which only tests use: JDK proxies that
 * answer the few calls tests make (reflection is fine here, off every measured path).
 */
final class StubJdbcProxies {

	private StubJdbcProxies() {
	}

	static CallableStatement callableStatement(StubConnection connection) {
		boolean[] closed = new boolean[1];
		return proxy(CallableStatement.class, (proxy, method, args) -> switch (method.getName()) {
			case "getConnection" -> connection;
			case "close" -> {
				closed[0] = true;
				yield null;
			}
			case "isClosed" -> closed[0];
			case "execute" -> {
				connection.throwFailureIfAny();
				yield false;
			}
			case "executeUpdate" -> {
				connection.throwFailureIfAny();
				yield 0;
			}
			case "executeQuery" -> new StubPreparedStatement(connection, "").executeQuery();
			default -> common(proxy, method.getName(), args);
		});
	}

	static DatabaseMetaData metaData(StubConnection connection) {
		return proxy(DatabaseMetaData.class, (proxy, method, args) -> switch (method.getName()) {
			case "getConnection" -> connection;
			case "getDatabaseProductName" -> "Stub";
			case "getTables", "getColumns", "getSchemas" -> new StubPreparedStatement(connection, "").executeQuery();
			default -> common(proxy, method.getName(), args);
		});
	}

	private static Object common(Object proxy, String method, Object[] args) throws SQLFeatureNotSupportedException {
		return switch (method) {
			case "unwrap" -> ((Class<?>) args[0]).cast(proxy);
			case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy);
			case "toString" -> "Stub" + proxy.getClass().getInterfaces()[0].getSimpleName();
			case "hashCode" -> System.identityHashCode(proxy);
			case "equals" -> proxy == args[0];
			default -> throw new SQLFeatureNotSupportedException("The stub driver does not support " + method);
		};
	}

	private static <T> T proxy(Class<T> type, InvocationHandler handler) {
		return type
			.cast(Proxy.newProxyInstance(StubJdbcProxies.class.getClassLoader(), new Class<?>[] { type }, handler));
	}

}
