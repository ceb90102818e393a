/**
 * Named HikariCP pools (primary, replicas, admin) and their immutable definitions.
 */
@NullMarked
package io.routingpools.pool;

import org.jspecify.annotations.NullMarked;
