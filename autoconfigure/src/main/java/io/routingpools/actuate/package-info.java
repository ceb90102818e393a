/**
 * Observability without Spring Boot: the {@code routingPools} health decisions, answered
 * from memory, and the {@code routingpools.*} meters with the failover counts behind
 * them.
 */
@NullMarked
package io.routingpools.actuate;

import org.jspecify.annotations.NullMarked;
