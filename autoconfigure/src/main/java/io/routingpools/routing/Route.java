package io.routingpools.routing;

import io.routingpools.pool.NamedPool;

/**
 * A pool together with the reason a connection was bound to it. Instances are created
 * once per pool and reason, so binding a connection does not allocate one.
 */
public final class Route {

	private final NamedPool pool;

	private final RouteReason reason;

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
