package io.routingpools.sample.order;

/**
 * Body of {@code POST /orders}.
 *
 * @param productId the product to order
 * @param quantity how many units, at least 1
 */
public record PlaceOrderRequest(Long productId, Integer quantity) {

	// Boxed and checked for null because a JSON body may leave them out: the request is
	// then refused here, saying which is missing, and never reaches the order.
	public PlaceOrderRequest {
		if (productId == null) {
			throw new IllegalArgumentException("productId is required");
		}
		if (quantity == null || quantity < 1) {
			throw new IllegalArgumentException("quantity must be at least 1");
		}
	}

}
