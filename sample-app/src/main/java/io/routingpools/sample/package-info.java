/**
 * The routing-pools sample application.
 */
@NullMarked
package io.routingpools.sample;

import org.jspecify.annotations.NullMarked;
