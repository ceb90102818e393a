package io.routingpools.sample.order;

/**
 * An order just placed and the stock its product has left.
 *
 * @param order the order
 * @param remainingStock units of the product left in stock after this order
 */
public record PlacedOrder(Order order, int remainingStock) {
}
