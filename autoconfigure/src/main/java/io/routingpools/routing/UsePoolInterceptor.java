package io.routingpools.routing;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * Applies {@link UsePool} around a method invocation. Where the annotation is looked for,
 * and in which order, is documented on {@link UsePool}; the answer is kept per method,
 * target class and proxy class, so a call costs one map lookup.
 */
public final class UsePoolInterceptor implements MethodInterceptor {

	// Keyed by all that decides the answer. The implementation class alone would not do:
	// SimpleJpaRepository serves every Spring Data JPA repository, each behind a proxy of
	// its own interface.
	private final Map<InvocationKey, String> poolByInvocation = new ConcurrentHashMap<>();

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		PoolRouting.Scope previous = PoolRouting.enter(poolFor(invocation));
		try {
			return invocation.proceed();
		}
		finally {
			PoolRouting.restore(previous);
		}
	}

	private String poolFor(MethodInvocation invocation) {
		Object target = invocation.getThis();
		// The class the pointcut matched, not the one behind it: for a
		// repository, the repository's own proxy, whose interfaces carry the
		// annotation (AopUtils.getTargetClass would give SimpleJpaRepository).
		Class<?> targetClass = (target != null) ? target.getClass() : null;
		Class<?> proxyClass = (invocation instanceof ProxyMethodInvocation proxied) ? proxied.getProxy().getClass()
				: null;
		InvocationKey key = new InvocationKey(invocation.getMethod(), targetClass, proxyClass);
		String pool = this.poolByInvocation.get(key);
		if (pool == null) {
			pool = key.resolve();
			this.poolByInvocation.put(key, pool);
		}
		return pool;
	}

	private record InvocationKey(Method method, @Nullable Class<?> targetClass, @Nullable Class<?> proxyClass) {

		String resolve() {
			UsePool usePool = UsePoolLookup.find(this.method, this.targetClass, this.proxyClass);
			if (usePool == null) {
				throw new IllegalStateException("No @UsePool on " + this.method + " of " + this.targetClass);
			}
			return usePool.value();
		}

	}

}
