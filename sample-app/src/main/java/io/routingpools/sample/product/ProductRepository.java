package io.routingpools.sample.product;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for products. Runs in the caller's transaction, which decides the node.
 */
@Repository
public class ProductRepository {

	private final JdbcClient jdbc;

	public ProductRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<Product> findAll() {
		return this.jdbc.sql("select id, name, price, stock from products order by id").query(Product.class).list();
	}

	public Optional<Product> findById(long id) {
		return this.jdbc.sql("select id, name, price, stock from products where id = :id")
			.param("id", id)
			.query(Product.class)
			.optional();
	}

	public boolean exists(long id) {
		return this.jdbc.sql("select exists (select 1 from products where id = :id)")
			.param("id", id)
			.query(Boolean.class)
			.single();
	}

	/**
	 * Takes units out of stock if there are enough.
	 * @param id the product
	 * @param quantity the units to take
	 * @return the stock left, or empty if the product does not exist or has too few units
	 */
	public OptionalInt takeFromStock(long id, int quantity) {
		return this.jdbc
			.sql("update products set stock = stock - :quantity where id = :id and stock >= :quantity returning stock")
			.param("id", id)
			.param("quantity", quantity)
			.query(Integer.class)
			.optional()
			.map(OptionalInt::of)
			.orElse(OptionalInt.empty());
	}

}
