package io.routingpools.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.routingpools.embedded.EmbeddedPostgresCluster;
import io.routingpools.embedded.PostgresNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code routing-pools.consistency.propagation=header}, the token travels in the
 * {@code X-Routing-Consistency} header instead of a cookie, as a single-page application
 * or a mobile client would carry it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "routing-pools.health.probe-timeout=2s", "routing-pools.consistency.propagation=header" })
class ReadYourWritesOverHeaderTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EmbeddedPostgresCluster cluster;

	@AfterEach
	void resumeReplay() {
		this.cluster.replicas().forEach(PostgresNode::resumeReplay);
		this.cluster.awaitReplication();
	}

	@Test
	void anOrderIsReadBackWithTheHeaderWhileReplicasHaveNotReplayedIt() throws Exception {
		this.cluster.awaitReplication();
		this.cluster.replicas().forEach(PostgresNode::pauseReplay);
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> placed = http.send(HttpRequest.newBuilder(uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"productId\":2,\"quantity\":1}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(placed.statusCode()).isEqualTo(201);
		assertThat(placed.headers().allValues("Set-Cookie")).noneMatch((cookie) -> cookie.startsWith("rp-consistency"));
		String token = placed.headers().firstValue("X-Routing-Consistency").orElseThrow();
		URI order = uri(placed.headers().firstValue("Location").orElseThrow());

		HttpResponse<String> withHeader = http.send(
				HttpRequest.newBuilder(order).header("X-Routing-Consistency", token).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(withHeader.statusCode()).isEqualTo(200);
		assertThat(withHeader.body()).contains("\"node\":\"primary\"");

		HttpResponse<String> withoutHeader = http.send(HttpRequest.newBuilder(order).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(withoutHeader.statusCode()).isEqualTo(404);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
