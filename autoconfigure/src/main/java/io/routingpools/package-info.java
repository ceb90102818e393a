/**
 * The operator API: {@link io.routingpools.RoutingPools}.
 */
@NullMarked
package io.routingpools;

import org.jspecify.annotations.NullMarked;
