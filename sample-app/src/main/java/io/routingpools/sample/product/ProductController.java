package io.routingpools.sample.product;

import java.util.List;

import io.routingpools.sample.servedby.Served;
import io.routingpools.sample.servedby.ServedBy;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /products} and {@code GET /products/{id}}.
 */
@RestController
@RequestMapping("/products")
public class ProductController {

	private final ProductService products;

	public ProductController(ProductService products) {
		this.products = products;
	}

	@GetMapping
	public ProductsResponse findAll() {
		Served<List<Product>> served = this.products.findAll();
		return new ProductsResponse(served.value(), served.servedBy());
	}

	@GetMapping("/{id}")
	public ProductResponse findById(@PathVariable long id) {
		Served<Product> served = this.products.findById(id);
		return new ProductResponse(served.value(), served.servedBy());
	}

	/**
	 * Body of {@code GET /products}.
	 *
	 * @param products the products
	 * @param servedBy the node that read them
	 */
	public record ProductsResponse(List<Product> products, ServedBy servedBy) {
	}

	/**
	 * Body of {@code GET /products/{id}}.
	 *
	 * @param product the product
	 * @param servedBy the node that read it
	 */
	public record ProductResponse(Product product, ServedBy servedBy) {
	}

}
