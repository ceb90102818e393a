/**
 * The failover harness: replica faults on a real embedded cluster, timed.
 */
@NullMarked
package io.routingpools.benchmarks.failover;

import org.jspecify.annotations.NullMarked;
