package io.routingpools.sample.order;

import java.io.Serial;

/**
 * There is no order with the given id.
 */
public class OrderNotFoundException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	public OrderNotFoundException(long id) {
		super("There is no order " + id);
	}

}
