package io.routingpools.routing;

/**
 * How read-only work falls back to the primary when no replica can serve it.
 *
 * @param fallbackToPrimary whether read-only work may run on the primary when no replica
 * can serve it; otherwise it fails
 * @param fallbackMaxConcurrency the most connections that may fall back to the primary at
 * once, zero for no limit
 */
public record RoutingSettings(boolean fallbackToPrimary, int fallbackMaxConcurrency) {

	public RoutingSettings {
		if (fallbackMaxConcurrency < 0) {
			throw new IllegalArgumentException("fallbackMaxConcurrency must not be negative");
		}
	}

}
