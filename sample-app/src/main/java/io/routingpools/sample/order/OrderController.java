package io.routingpools.sample.order;

import java.net.URI;

import io.routingpools.sample.servedby.Served;
import io.routingpools.sample.servedby.ServedBy;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders} and {@code GET /orders/{id}}.
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

	private final OrderService orders;

	public OrderController(OrderService orders) {
		this.orders = orders;
	}

	@PostMapping
	public ResponseEntity<PlacedOrderResponse> place(@RequestBody PlaceOrderRequest request) {
		Served<PlacedOrder> served = this.orders.place(request.productId(), request.quantity());
		PlacedOrder placed = served.value();
		return ResponseEntity.created(URI.create("/orders/" + placed.order().id()))
			.body(new PlacedOrderResponse(placed.order(), placed.remainingStock(), served.servedBy()));
	}

	@GetMapping("/{id}")
	public OrderResponse findById(@PathVariable long id) {
		Served<Order> served = this.orders.findById(id);
		return new OrderResponse(served.value(), served.servedBy());
	}

	/**
	 * Body of {@code POST /orders}.
	 *
	 * @param order the order
	 * @param remainingStock units of the product left in stock after this order
	 * @param servedBy the node that placed it
	 */
	public record PlacedOrderResponse(Order order, int remainingStock, ServedBy servedBy) {
	}

	/**
	 * Body of {@code GET /orders/{id}}.
	 *
	 * @param order the order
	 * @param servedBy the node that read it
	 */
	public record OrderResponse(Order order, ServedBy servedBy) {
	}

}
