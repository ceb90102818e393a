package io.routingpools.routing;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Applies {@link UsePool} around a method invocation. The annotation on the method wins
 * over the one on its class.
 */
public final class UsePoolInterceptor implements MethodInterceptor {

	// Keyed by method and target class: a class-level @UsePool applies to inherited
	// methods.
	private final Map<MethodClassKey, String> poolByMethod = new ConcurrentHashMap<>();

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		String previous = PoolRouting.enter(poolFor(invocation));
		try {
			return invocation.proceed();
		}
		finally {
			PoolRouting.restore(previous);
		}
	}

	private String poolFor(MethodInvocation invocation) {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		return this.poolByMethod.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> resolve(method, targetClass));
	}

	private static String resolve(Method method, Class<?> targetClass) {
		UsePool annotation = AnnotatedElementUtils.findMergedAnnotation(method, UsePool.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, UsePool.class);
		}
		if (annotation == null) {
			throw new IllegalStateException("No @UsePool on " + method);
		}
		return annotation.value();
	}

}
