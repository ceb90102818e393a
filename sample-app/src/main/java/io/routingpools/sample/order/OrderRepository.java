package io.routingpools.sample.order;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for orders. Runs in the caller's transaction, which decides the node.
 */
@Repository
public class OrderRepository {

	private final JdbcClient jdbc;

	public OrderRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Order insert(long productId, int quantity) {
		return this.jdbc.sql("""
				insert into orders (product_id, quantity) values (:productId, :quantity)
				returning id, product_id, quantity, created_at
				""").param("productId", productId).param("quantity", quantity).query(Order.class).single();
	}

	public Optional<Order> findById(long id) {
		return this.jdbc.sql("select id, product_id, quantity, created_at from orders where id = :id")
			.param("id", id)
			.query(Order.class)
			.optional();
	}

}
