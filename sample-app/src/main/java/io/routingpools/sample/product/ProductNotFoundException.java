package io.routingpools.sample.product;

import java.io.Serial;

/**
 * There is no product with the given id.
 */
public class ProductNotFoundException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	public ProductNotFoundException(long id) {
		super("There is no product " + id);
	}

}
