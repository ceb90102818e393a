package io.routingpools.routing;

/**
 * Moves a route's count, for tests of what reads it.
 */
public final class TestRoutes {

	private TestRoutes() {
	}

	/**
	 * Count one binding on a route, as the router does.
	 * @param route the route
	 */
	public static void bound(Route route) {
		route.bound();
	}

}
