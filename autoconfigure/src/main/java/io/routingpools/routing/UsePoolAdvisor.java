package io.routingpools.routing;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.core.Ordered;

/**
 * Advises the methods that a {@link UsePool} applies to ({@link UsePool} says where it is
 * looked for). Ordered ahead of Spring's transaction advisor so that the route is in
 * place when the transaction begins.
 */
// Serializable only through AbstractPointcutAdvisor, and never serialized: like Spring's
// own annotation advisors, its pointcut and interceptor are not serializable.
@SuppressWarnings("serial")
public final class UsePoolAdvisor extends AbstractPointcutAdvisor {

	/** Order of this advisor: just ahead of the default transaction advisor. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final Pointcut pointcut = new UsePoolPointcut();

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
