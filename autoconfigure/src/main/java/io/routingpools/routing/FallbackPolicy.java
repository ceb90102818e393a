package io.routingpools.routing;

/**
 * Where read-only work goes when no replica can serve it
 * ({@code routing-pools.routing.fallback-*}).
 *
 * @param toPrimary whether read-only work may run on the primary when no replica can
 * serve it; otherwise it fails
 * @param maxConcurrency the most connections that may fall back to the primary at once,
 * zero for no limit
 */
public record FallbackPolicy(boolean toPrimary, int maxConcurrency) {

	public FallbackPolicy {
		if (maxConcurrency < 0) {
			throw new IllegalArgumentException("maxConcurrency must not be negative");
		}
	}

}
