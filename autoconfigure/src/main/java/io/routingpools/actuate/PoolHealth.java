package io.routingpools.actuate;

import java.util.Map;

/**
 * The health of one pool, as the {@code routingPools} health contributor shows it in the
 * pool's component.
 *
 * @param pool the pool name, which is also the component name
 * @param up whether the component is {@code UP}; otherwise it is {@code DOWN}
 * @param details what the component shows, in a stable order; no value is {@code null}
 * (unknown figures are left out) and none is a secret
 */
public record PoolHealth(String pool, boolean up, Map<String, Object> details) {

}
