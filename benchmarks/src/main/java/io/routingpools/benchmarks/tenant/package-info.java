/**
 * The tenant fairness harness: a noisy tenant against quiet ones on the shared pools, and
 * the same load through plain HikariCP, on a real embedded primary.
 */
@NullMarked
package io.routingpools.benchmarks.tenant;

import org.jspecify.annotations.NullMarked;
