package io.routingpools.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Boots the sample on its default embedded cluster (a primary and two replicas) and
 * checks over HTTP, through the {@code servedBy} of each response, that reads run on a
 * replica and writes on the primary. The records below are the JSON contract as a client
 * sees it.
 */
// A loaded machine can make a probe miss the sample's 250 ms and take a healthy replica
// out of rotation; these tests are about routing, not the monitor's timing.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "routing-pools.health.probe-timeout=2s")
@AutoConfigureRestTestClient
class SampleApplicationTests {

	/** Generous for a loaded 2-core machine; replication normally takes milliseconds. */
	private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	private RestTestClient http;

	@Autowired
	private EmbeddedPostgresCluster cluster;

	@BeforeEach
	void replicasHaveCaughtUp() {
		// Every test starts from replicas that have replayed all committed work
		// (migrations,
		// earlier tests), so that the data a read returns is known.
		this.cluster.awaitReplication();
	}

	@Test
	void productsAreServedByAReplica() {
		ProductsBody body = getProducts();

		assertServedByReplica(body.servedBy());
		assertThat(body.products()).extracting(ProductJson::name)
			.contains("Espresso beans, 1 kg", "Pour-over kettle", "Burr grinder", "Ceramic cup", "Paper filters, 100");
	}

	@Test
	void readsTakeTurnsOnBothReplicas() {
		Set<String> nodes = new HashSet<>();
		for (int i = 0; i < 4; i++) {
			ServedByJson servedBy = getProducts().servedBy();
			assertServedByReplica(servedBy);
			nodes.add(servedBy.node());
		}
		assertThat(nodes).containsExactlyInAnyOrder("replica-1", "replica-2");
	}

	@Test
	void anOrderIsPlacedOnThePrimary() {
		int stockBefore = getProduct(1).product().stock();

		PlacedOrderBody placed = placeOrder(1, 2);

		assertThat(placed.servedBy().node()).isEqualTo("primary");
		assertThat(placed.servedBy().replica()).isFalse();
		assertThat(placed.servedBy().port()).isEqualTo(this.cluster.primary().port());
		assertThat(placed.order().productId()).isEqualTo(1);
		assertThat(placed.order().quantity()).isEqualTo(2);
		assertThat(placed.order().createdAt()).isNotBlank();
		assertThat(placed.remainingStock()).isEqualTo(stockBefore - 2);
	}

	@Test
	void theReplicasEventuallyShowAnOrderAndTheStockItTook() {
		int stockBefore = getProduct(3).product().stock();

		PlacedOrderBody placed = placeOrder(3, 1);
		assertThat(placed.remainingStock()).isEqualTo(stockBefore - 1);

		// No read-your-writes for this client (it sends no consistency token): a replica
		// may
		// answer before it has replayed the order, but not for long.
		await("replica shows the new stock").atMost(REPLICATION_TIMEOUT).untilAsserted(() -> {
			ProductBody product = getProduct(3);
			assertServedByReplica(product.servedBy());
			assertThat(product.product().stock()).isEqualTo(placed.remainingStock());
		});
		await("replica shows the order").atMost(REPLICATION_TIMEOUT).untilAsserted(() -> {
			OrderBody order = getOrder(placed.order().id()); // 404 until replayed
			assertServedByReplica(order.servedBy());
			assertThat(order.order()).isEqualTo(placed.order());
		});
	}

	@Test
	void anOrderForMoreThanTheStockIsRefusedAndChangesNothing() {
		int stockBefore = getProduct(4).product().stock();

		this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("productId", 4, "quantity", stockBefore + 1))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Product 4 has fewer than " + (stockBefore + 1) + " units in stock");

		this.cluster.awaitReplication();
		assertThat(getProduct(4).product().stock()).isEqualTo(stockBefore);
	}

	@Test
	void unknownProductsAndInvalidOrdersAreClientErrors() {
		this.http.get().uri("/products/999").exchange().expectStatus().isNotFound();
		this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("productId", 999, "quantity", 1))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("productId", 1, "quantity", 0))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("quantity must be at least 1");
	}

	@Test
	void healthIsUp() {
		this.http.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void healthShowsRoutingPoolsInPlaceOfSpringBootsDbIndicator() {
		this.http.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.routingPools.status")
			.isEqualTo("UP")
			.jsonPath("$.components.routingPools.components.primary.details.maximumPoolSize")
			.isEqualTo(10)
			.jsonPath("$.components.routingPools.components.replica-1.status")
			.isEqualTo("UP")
			.jsonPath("$.components.db")
			.doesNotExist();
	}

	private void assertServedByReplica(ServedByJson servedBy) {
		assertThat(servedBy.replica()).as("served by a replica: %s", servedBy).isTrue();
		assertThat(servedBy.node()).startsWith("replica-");
		assertThat(servedBy.port()).isEqualTo(this.cluster.node(servedBy.node()).port());
	}

	private ProductsBody getProducts() {
		return this.http.get()
			.uri("/products")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ProductsBody.class)
			.returnResult()
			.getResponseBody();
	}

	private ProductBody getProduct(long id) {
		return this.http.get()
			.uri("/products/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ProductBody.class)
			.returnResult()
			.getResponseBody();
	}

	private OrderBody getOrder(long id) {
		return this.http.get()
			.uri("/orders/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(OrderBody.class)
			.returnResult()
			.getResponseBody();
	}

	private PlacedOrderBody placeOrder(long productId, int quantity) {
		return this.http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("productId", productId, "quantity", quantity))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", "/orders/\\d+")
			.expectBody(PlacedOrderBody.class)
			.returnResult()
			.getResponseBody();
	}

	record ServedByJson(String node, boolean replica, Integer port) {
	}

	record ProductJson(long id, String name, BigDecimal price, int stock) {
	}

	record OrderJson(long id, long productId, int quantity, String createdAt) {
	}

	record ProductsBody(List<ProductJson> products, ServedByJson servedBy) {
	}

	record ProductBody(ProductJson product, ServedByJson servedBy) {
	}

	record OrderBody(OrderJson order, ServedByJson servedBy) {
	}

	record PlacedOrderBody(OrderJson order, int remainingStock, ServedByJson servedBy) {
	}

}
