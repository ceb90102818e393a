/**
 * The routing {@code DataSource}: lazily bound logical connections and the route
 * decision.
 */
@NullMarked
package io.routingpools.routing;

import org.jspecify.annotations.NullMarked;
