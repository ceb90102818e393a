package io.routingpools.routing;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@link UsePool} that applies to a method called through a proxy, in the order
 * that {@link UsePool} documents. Besides the places where Spring looks for
 * {@code @Transactional}, it searches the interfaces of the target and of the proxy: a
 * bean that a factory made as a proxy of an interface (a Spring Data repository) carries
 * its annotations there, not on the class that implements it ({@code SimpleJpaRepository}
 * serves every JPA repository).
 */
final class UsePoolLookup {

	private static final Class<?>[] NO_INTERFACES = {};

	private UsePoolLookup() {
	}

	/**
	 * Find the annotation that applies to a method.
	 * @param method the invoked method
	 * @param targetClass the class of the object that the proxy calls (for a bean that is
	 * itself a proxy, that proxy's class), or {@code null} without target
	 * @param proxyClass the class of the proxy, or {@code null} when unknown
	 * @return the annotation, or {@code null} if none applies
	 */
	static @Nullable UsePool find(Method method, @Nullable Class<?> targetClass, @Nullable Class<?> proxyClass) {
		for (AnnotatedElement candidate : candidates(method, targetClass, proxyClass)) {
			UsePool usePool = AnnotatedElementUtils.findMergedAnnotation(candidate, UsePool.class);
			if (usePool != null) {
				return usePool;
			}
		}
		return null;
	}

	// Each candidate is searched with its own hierarchy (the methods it overrides, the
	// supertypes of a type), nearest first. Every method comes before every type.
	private static List<AnnotatedElement> candidates(Method method, @Nullable Class<?> targetClass,
			@Nullable Class<?> proxyClass) {
		Class<?> userClass = (targetClass != null) ? ClassUtils.getUserClass(targetClass) : null;
		Class<?>[] proxyInterfaces = (proxyClass != null) ? proxyClass.getInterfaces() : NO_INTERFACES;
		Set<Class<?>> interfaces = new LinkedHashSet<>();
		if (userClass != null) {
			interfaces.addAll(ClassUtils.getAllInterfacesForClassAsSet(userClass));
		}
		interfaces.addAll(Arrays.asList(proxyInterfaces));
		List<AnnotatedElement> candidates = new ArrayList<>();
		candidates.add(AopUtils.getMostSpecificMethod(method, userClass));
		candidates.add(method);
		for (Class<?> candidateInterface : interfaces) {
			Method declared = ClassUtils.getMethodIfAvailable(candidateInterface, method.getName(),
					method.getParameterTypes());
			if (declared != null) {
				candidates.add(declared);
			}
		}
		if (userClass != null) {
			candidates.add(userClass);
		}
		candidates.addAll(Arrays.asList(proxyInterfaces));
		candidates.add(method.getDeclaringClass());
		return candidates;
	}

	/**
	 * Whether {@link UsePool} is present, directly or as a meta-annotation, on the type,
	 * its superclasses, its interfaces or a method any of them declares: a cheap first
	 * check before the methods of a class are looked at one by one.
	 * @param type the type
	 * @return whether the type's hierarchy mentions {@code UsePool}
	 */
	static boolean isPresentInHierarchy(Class<?> type) {
		if (!AnnotationUtils.isCandidateClass(type, UsePool.class)) {
			return false;
		}
		if (isDeclaredOn(type)) {
			return true;
		}
		Class<?> superclass = type.getSuperclass();
		if (superclass != null && isPresentInHierarchy(superclass)) {
			return true;
		}
		for (Class<?> implemented : type.getInterfaces()) {
			if (isPresentInHierarchy(implemented)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isDeclaredOn(Class<?> type) {
		if (MergedAnnotations.from(type).isPresent(UsePool.class)) {
			return true;
		}
		for (Method method : ReflectionUtils.getDeclaredMethods(type)) {
			if (MergedAnnotations.from(method).isPresent(UsePool.class)) {
				return true;
			}
		}
		return false;
	}

}
