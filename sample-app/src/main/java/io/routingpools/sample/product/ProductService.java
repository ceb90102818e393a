package io.routingpools.sample.product;

import java.util.List;

import io.routingpools.sample.servedby.Served;
import io.routingpools.sample.servedby.ServedByQuery;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads products in read-only transactions, which routing-pools sends to a replica.
 */
@Service
public class ProductService {

	private final ProductRepository products;

	private final ServedByQuery servedBy;

	public ProductService(ProductRepository products, ServedByQuery servedBy) {
		this.products = products;
		this.servedBy = servedBy;
	}

	@Transactional(readOnly = true)
	public Served<List<Product>> findAll() {
		return new Served<>(this.products.findAll(), this.servedBy.current());
	}

	/**
	 * One product.
	 * @param id the product id
	 * @return the product
	 * @throws ProductNotFoundException if the serving node does not have it
	 */
	@Transactional(readOnly = true)
	public Served<Product> findById(long id) {
		Product product = this.products.findById(id).orElseThrow(() -> new ProductNotFoundException(id));
		return new Served<>(product, this.servedBy.current());
	}

}
