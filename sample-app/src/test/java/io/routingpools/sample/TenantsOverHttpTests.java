package io.routingpools.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.routingpools.routing.Route;
import io.routingpools.routing.Router;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code routing-pools.tenants.require-tenant=true}, the sample's requests name
 * their tenant in the {@code X-Tenant-Id} header: a request without one, or with an
 * invalid one, is refused with 400 before any connection is used; health probes still
 * answer.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "routing-pools.health.probe-timeout=2s", "routing-pools.tenants.require-tenant=true" })
class TenantsOverHttpTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private Router router;

	@Test
	void aRequestOfATenantIsServed() throws Exception {
		HttpResponse<String> products = get("/products", "acme");
		assertThat(products.statusCode()).isEqualTo(200);
		assertThat(products.body()).contains("Espresso beans");
	}

	@Test
	void aRequestWithoutATenantIsRefusedBeforeAnyConnectionIsUsed() throws Exception {
		long bindings = bindings();
		HttpResponse<String> products = get("/products", null);
		assertThat(products.statusCode()).isEqualTo(400);
		assertThat(products.body()).contains("X-Tenant-Id");
		assertThat(bindings()).isEqualTo(bindings);
	}

	@Test
	void aRequestWithAnInvalidTenantIdIsRefusedBeforeAnyConnectionIsUsed() throws Exception {
		long bindings = bindings();
		HttpResponse<String> products = get("/products", "acme;drop");
		assertThat(products.statusCode()).isEqualTo(400);
		assertThat(products.body()).contains("Invalid tenant id").doesNotContain(";drop");
		assertThat(bindings()).isEqualTo(bindings);
	}

	@Test
	void healthProbesNeedNoTenant() throws Exception {
		assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	private long bindings() {
		return this.router.routes().stream().mapToLong(Route::bindings).sum();
	}

	private HttpResponse<String> get(String path, String tenant) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (tenant != null) {
			request.header("X-Tenant-Id", tenant);
		}
		return this.http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

}
