package io.routingpools.routing;

/**
 * What the {@link Router} sees of a logical connection it binds: what the work is, and
 * where to record the route it chose. Kept narrow so that the route decision does not
 * depend on how a connection tracks its state.
 */
interface Binding {

	/**
	 * Whether the work about to run is marked read-only (the connection's own flag).
	 * @return {@code true} for read-only work
	 */
	boolean readOnlyIntent();

	/**
	 * Record the route of the physical connection the router is about to return.
	 * @param route the pool and the reason it was chosen
	 */
	void routed(Route route);

}
