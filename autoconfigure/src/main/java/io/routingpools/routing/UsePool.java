package io.routingpools.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes the connections used by a method, or by every method of a class, to the named
 * pool, whatever their transaction's read-only flag. Applied outside
 * {@code @Transactional}, so the transaction that the method starts binds to that pool.
 * Naming a different pool inside a transaction already bound elsewhere is an error.
 *
 * @see PoolRouting
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface UsePool {

	/**
	 * Name of the pool: {@code primary}, {@code admin} or a replica's name.
	 * @return the pool name
	 */
	String value();

}
