/**
 * A real PostgreSQL primary with streaming replicas on loopback, for development and
 * tests.
 */
@NullMarked
package io.routingpools.embedded;

import org.jspecify.annotations.NullMarked;
