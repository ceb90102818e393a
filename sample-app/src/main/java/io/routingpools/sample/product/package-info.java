/**
 * Products: read-only queries, served by replicas.
 */
@NullMarked
package io.routingpools.sample.product;

import org.jspecify.annotations.NullMarked;
