package io.routingpools.sample.order;

import io.routingpools.sample.product.ProductNotFoundException;
import io.routingpools.sample.product.ProductRepository;
import io.routingpools.sample.servedby.Served;
import io.routingpools.sample.servedby.ServedByQuery;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders in write transactions (on the primary) and reads them back in read-only
 * transactions (on a replica).
 */
@Service
public class OrderService {

	private final ProductRepository products;

	private final OrderRepository orders;

	private final ServedByQuery servedBy;

	public OrderService(ProductRepository products, OrderRepository orders, ServedByQuery servedBy) {
		this.products = products;
		this.orders = orders;
		this.servedBy = servedBy;
	}

	/**
	 * Takes the units out of stock and records the order, in one transaction.
	 * @param productId the product
	 * @param quantity the units, at least 1
	 * @return the order and the stock left
	 * @throws ProductNotFoundException if there is no such product
	 * @throws InsufficientStockException if the product has fewer units in stock
	 */
	@Transactional
	public Served<PlacedOrder> place(long productId, int quantity) {
		int remaining = this.products.takeFromStock(productId, quantity).orElseThrow(() -> {
			if (!this.products.exists(productId)) {
				return new ProductNotFoundException(productId);
			}
			return new InsufficientStockException(productId, quantity);
		});
		Order order = this.orders.insert(productId, quantity);
		return new Served<>(new PlacedOrder(order, remaining), this.servedBy.current());
	}

	/**
	 * One order.
	 * @param id the order id
	 * @return the order
	 * @throws OrderNotFoundException if the serving node does not have it (yet)
	 */
	@Transactional(readOnly = true)
	public Served<Order> findById(long id) {
		Order order = this.orders.findById(id).orElseThrow(() -> new OrderNotFoundException(id));
		return new Served<>(order, this.servedBy.current());
	}

}
