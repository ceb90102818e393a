/**
 * Read-after-write consistency (DESIGN section 5): the token recorded after work on the
 * primary, the scope that carries it, and the rule that decides which replica may serve a
 * read that follows a write.
 */
@NullMarked
package io.routingpools.consistency;

import org.jspecify.annotations.NullMarked;
