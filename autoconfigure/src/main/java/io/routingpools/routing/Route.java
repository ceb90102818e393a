package io.routingpools.routing;

import java.util.concurrent.atomic.LongAdder;

import io.routingpools.pool.NamedPool;

/**
 * A pool together with the reason a connection was bound to it, with a count of the
 * bindings made on it. Instances are created once per pool and reason, so binding a
 * connection does not allocate one.
 */
public final class Route {

	private final NamedPool pool;

	private final RouteReason reason;

	// Bindings made on this route, for the routingpools.routes meter.
	private final LongAdder bindings = new LongAdder();

	Route(NamedPool pool, RouteReason reason) {
		this.pool = pool;
		this.reason = reason;
	}

	public NamedPool pool() {
		return this.pool;
	}

	public RouteReason reason() {
		return this.reason;
	}

	/**
	 * How many logical connections were bound on this route so far.
	 * @return the count since startup
	 */
	public long bindings() {
		return this.bindings.sum();
	}

	void bound() {
		this.bindings.increment();
	}

	/**
	 * Describe the route for error messages.
	 * @return for example "pool 'replica-a', routed there because the transaction is
	 * read-only"
	 */
	public String describe() {
		return "pool '" + this.pool.name() + "', routed there because " + this.reason.explanation();
	}

	@Override
	public String toString() {
		return this.pool.name() + " (" + this.reason.tag() + ")";
	}

}
