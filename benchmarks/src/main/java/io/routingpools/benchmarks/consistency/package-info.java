/**
 * The consistency harness: read-your-writes (DESIGN section 5) on a real embedded
 * cluster, counted and timed.
 */
@NullMarked
package io.routingpools.benchmarks.consistency;

import org.jspecify.annotations.NullMarked;
