package io.routingpools.sample.order;

/**
 * A product does not have enough units in stock for an order.
 */
public class InsufficientStockException extends RuntimeException {

	public InsufficientStockException(long productId, int quantity) {
		super("Product " + productId + " has fewer than " + quantity + " units in stock");
	}

}
