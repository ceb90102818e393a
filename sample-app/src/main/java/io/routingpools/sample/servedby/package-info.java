/**
 * Which database node served a piece of work, measured on the same connection as the
 * work.
 */
@NullMarked
package io.routingpools.sample.servedby;

import org.jspecify.annotations.NullMarked;
