package io.routingpools.sample.order;

import java.io.Serial;

/**
 * A product does not have enough units in stock for an order.
 */
public class InsufficientStockException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	public InsufficientStockException(long productId, int quantity) {
		super("Product " + productId + " has fewer than " + quantity + " units in stock");
	}

}
