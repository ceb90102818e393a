package io.routingpools.sample.product;

import java.math.BigDecimal;

/**
 * A product and its stock.
 *
 * @param id the id
 * @param name the name
 * @param price the unit price
 * @param stock the units in stock
 */
public record Product(long id, String name, BigDecimal price, int stock) {
}
