package io.routingpools.routing;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Matches the methods that a {@link UsePool} applies to, found as the interceptor finds
 * it but for the proxy's interfaces: the proxy does not exist yet when beans are matched.
 * The class matched is the bean's own: for a bean that a factory made as a proxy (a
 * Spring Data repository), that proxy's class, whose interfaces carry the annotation.
 */
final class UsePoolPointcut extends StaticMethodMatcherPointcut implements ClassFilter {

	@Override
	public ClassFilter getClassFilter() {
		return this;
	}

	@Override
	public boolean matches(Class<?> clazz) {
		return UsePoolLookup.isPresentInHierarchy(clazz);
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		return UsePoolLookup.find(method, targetClass, null) != null;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof UsePoolPointcut;
	}

	@Override
	public int hashCode() {
		return UsePoolPointcut.class.hashCode();
	}

}
