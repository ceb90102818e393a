/**
 * Starts the embedded PostgreSQL cluster for the application and stops it with the
 * application context.
 */
@NullMarked
package io.routingpools.sample.cluster;

import org.jspecify.annotations.NullMarked;
