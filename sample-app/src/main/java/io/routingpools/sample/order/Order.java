package io.routingpools.sample.order;

import java.time.OffsetDateTime;

/**
 * A placed order.
 *
 * @param id the id
 * @param productId the ordered product
 * @param quantity the units ordered
 * @param createdAt when the order was placed
 */
public record Order(long id, long productId, int quantity, OffsetDateTime createdAt) {
}
