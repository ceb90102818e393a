/**
 * Replica selection: load balancers over the replica pools.
 */
@NullMarked
package io.routingpools.replica;

import org.jspecify.annotations.NullMarked;
