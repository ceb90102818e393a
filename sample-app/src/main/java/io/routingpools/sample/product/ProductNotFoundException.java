package io.routingpools.sample.product;

/**
 * There is no product with the given id.
 */
public class ProductNotFoundException extends RuntimeException {

	public ProductNotFoundException(long id) {
		super("There is no product " + id);
	}

}
