/**
 * Replicas in rotation: the monitor and the states it keeps, the request path's suspect
 * marks, and the load balancers over the replicas that serve reads.
 */
@NullMarked
package io.routingpools.replica;

import org.jspecify.annotations.NullMarked;
