package io.routingpools.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client reads its own writes over HTTP (DESIGN section 5): after {@code POST /orders},
 * a {@code GET} of the order that carries the {@code rp-consistency} cookie sees it,
 * while replay is paused on both replicas; a client without the cookie reads a replica
 * that has not replayed it. Plain HTTP, so that the cookie travels as a browser's would.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "routing-pools.health.probe-timeout=2s")
class ReadYourWritesOverHttpTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EmbeddedPostgresCluster cluster;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeEach
	void replicasHaveCaughtUp() {
		this.cluster.awaitReplication();
	}

	@AfterEach
	void resumeReplay() {
		this.cluster.replicas().forEach(PostgresNode::resumeReplay);
		this.cluster.awaitReplication();
	}

	@Test
	void anOrderIsReadBackWithTheCookieWhileReplicasHaveNotReplayedIt() throws Exception {
		this.cluster.replicas().forEach(PostgresNode::pauseReplay);
		HttpResponse<String> placed = post("/orders", "{\"productId\":2,\"quantity\":1}");
		assertThat(placed.statusCode()).isEqualTo(201);
		String cookie = consistencyCookie(placed);
		assertThat(placed.headers().allValues("Set-Cookie"))
			.anySatisfy((header) -> assertThat(header).startsWith("rp-consistency=v1.")
				.contains("HttpOnly")
				.containsIgnoringCase("SameSite=Lax")
				.contains("Max-Age=30"));
		String location = placed.headers().firstValue("Location").orElseThrow();

		HttpResponse<String> withCookie = get(location, "Cookie", cookie);
		assertThat(withCookie.statusCode()).isEqualTo(200);
		assertThat(withCookie.body()).contains("\"node\":\"primary\"");

		HttpResponse<String> withoutCookie = get(location, null, null);
		assertThat(withoutCookie.statusCode()).as("a replica that has not replayed the order").isEqualTo(404);
	}

	@Test
	void aForgedCookieDoesNotKeepReadsOffReplicas() throws Exception {
		String forged = "rp-consistency=v1.1.1.FFFFFFFFFFFF." + System.currentTimeMillis();
		HttpResponse<String> products = get("/products", "Cookie", forged);
		assertThat(products.statusCode()).isEqualTo(200);
		assertThat(products.body()).contains("\"replica\":true");
	}

	@Test
	void aReadRightAfterAWriteIsServedByAReplicaThatReplayedIt() throws Exception {
		// A healthy cluster replays within milliseconds: the read after a write asks its
		// replica, which has replayed the write, so the primary is not needed. Some of a
		// few tries suffice on a loaded machine.
		boolean onReplica = false;
		for (int i = 0; i < 10 && !onReplica; i++) {
			HttpResponse<String> placed = post("/orders", "{\"productId\":5,\"quantity\":1}");
			HttpResponse<String> order = get(placed.headers().firstValue("Location").orElseThrow(), "Cookie",
					consistencyCookie(placed));
			assertThat(order.statusCode()).isEqualTo(200);
			onReplica = order.body().contains("\"replica\":true");
		}
		assertThat(onReplica).isTrue();
	}

	private String consistencyCookie(HttpResponse<String> response) {
		List<String> cookies = response.headers().allValues("Set-Cookie");
		String last = null;
		for (String cookie : cookies) {
			if (cookie.startsWith("rp-consistency=")) {
				last = cookie.substring(0, cookie.indexOf(';'));
			}
		}
		assertThat(last).as("an rp-consistency cookie in %s", cookies).isNotNull();
		return last;
	}

	private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path, String header, String value)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
		if (header != null) {
			request.header(header, value);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
