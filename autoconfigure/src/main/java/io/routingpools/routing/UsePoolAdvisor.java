package io.routingpools.routing;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;

/**
 * Advises beans whose methods or classes carry {@link UsePool}. Ordered ahead of Spring's
 * transaction advisor so that the route is in place when the transaction begins.
 */
// Serializable only through AbstractPointcutAdvisor, and never serialized: like Spring's
// own annotation advisors, its pointcut and interceptor are not serializable.
@SuppressWarnings("serial")
public final class UsePoolAdvisor extends AbstractPointcutAdvisor {

	/** Order of this advisor: just ahead of the default transaction advisor. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final Pointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(UsePool.class, true))
		.union(new AnnotationMatchingPointcut(null, UsePool.class, true));

	private final UsePoolInterceptor interceptor = new UsePoolInterceptor();

	public UsePoolAdvisor() {
		setOrder(ORDER);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

}
