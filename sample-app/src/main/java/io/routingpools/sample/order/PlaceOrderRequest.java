package io.routingpools.sample.order;

import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /orders}.
 *
 * @param productId the product to order
 * @param quantity how many units, at least 1
 */
public record PlaceOrderRequest(@Nullable Long productId, @Nullable Integer quantity) {

	public PlaceOrderRequest {
		if (productId == null) {
			throw new IllegalArgumentException("productId is required");
		}
		if (quantity == null || quantity < 1) {
			throw new IllegalArgumentException("quantity must be at least 1");
		}
	}

}
