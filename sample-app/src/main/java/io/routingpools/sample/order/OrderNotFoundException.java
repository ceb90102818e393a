package io.routingpools.sample.order;

/**
 * There is no order with the given id.
 */
public class OrderNotFoundException extends RuntimeException {

	public OrderNotFoundException(long id) {
		super("There is no order " + id);
	}

}
