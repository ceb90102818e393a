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
 * <p>
 * It is found as Spring finds {@code @Transactional}, and also on the interfaces of the
 * proxy, so that it works on beans that a factory makes as proxies of an interface, such
 * as Spring Data repositories. An annotation on a method, wherever it is, wins over one
 * on a type. The first found applies, searching in this order, each place with its own
 * hierarchy, nearest first:
 * <ol>
 * <li>the method as the target class has it, with the methods it overrides or implements
 * in the superclasses and interfaces of that class;</li>
 * <li>the invoked method, with the methods it overrides;</li>
 * <li>the method with the same name and parameter types on each interface of the target
 * class, then on each interface of the proxy;</li>
 * <li>the target class, then its superclasses and interfaces: a class-level annotation on
 * a subclass applies to the methods it inherits;</li>
 * <li>each interface of the proxy, with the interfaces it extends;</li>
 * <li>the class or interface that declares the invoked method.</li>
 * </ol>
 * The target class is the class of the object that the application's proxy calls. For a
 * bean that a factory made as a proxy of an interface, that object is the factory's
 * proxy: the interface and those it extends are searched, the class implementing them is
 * not ({@code SimpleJpaRepository}, or a repository base class). So {@code @UsePool} on a
 * repository interface applies to every method of the repository, including those it
 * inherits, and on a method redeclared in it, to that method.
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
