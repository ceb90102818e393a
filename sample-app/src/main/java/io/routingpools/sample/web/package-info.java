/**
 * HTTP error responses shared by the controllers.
 */
@NullMarked
package io.routingpools.sample.web;

import org.jspecify.annotations.NullMarked;
