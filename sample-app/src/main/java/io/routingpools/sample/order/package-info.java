/**
 * Orders: placed in a write transaction on the primary, read back from replicas.
 */
@NullMarked
package io.routingpools.sample.order;

import org.jspecify.annotations.NullMarked;
