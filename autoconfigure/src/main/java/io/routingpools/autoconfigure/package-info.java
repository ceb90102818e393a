/**
 * Spring Boot wiring: properties, pool beans, the routing DataSource, migrations and
 * failure analysis.
 */
@NullMarked
package io.routingpools.autoconfigure;

import org.jspecify.annotations.NullMarked;
