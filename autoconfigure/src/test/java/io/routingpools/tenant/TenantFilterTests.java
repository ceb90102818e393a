package io.routingpools.tenant;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TenantFilterTests {

	private static final String HEADER = "X-Tenant-Id";

	private static final List<String> ACTUATOR = List.of("/actuator");

	private final TenantFilter filter = new TenantFilter(new HeaderTenantResolver(HEADER), false, ACTUATOR);

	private final TenantFilter requiring = new TenantFilter(new HeaderTenantResolver(HEADER), true, ACTUATOR);

	private final MockHttpServletRequest request = request("/notes");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	private final MockFilterChain chain = new MockFilterChain();

	private final AtomicReference<@Nullable String> inChain = new AtomicReference<>();

	private final FilterChain recordingChain = (request, response) -> this.inChain.set(TenantScope.current());

	@AfterEach
	void leaveNoTenant() {
		TenantScope.restore(null);
	}

	@Test
	void requestRunsForTheTenantOfItsHeader() throws Exception {
		this.request.addHeader(HEADER, "acme");
		this.filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.inChain.get()).isEqualTo("acme");
	}

	@Test
	void threadHasNoTenantAfterTheRequest() throws Exception {
		this.request.addHeader(HEADER, "acme");
		this.filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(TenantScope.current()).isNull();
	}

	@Test
	void threadsOwnTenantIsBackAfterTheRequest() throws Exception {
		TenantScope.enter("globex");
		this.request.addHeader(HEADER, "acme");
		this.filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(TenantScope.current()).isEqualTo("globex");
	}

	@Test
	void threadHasNoTenantAfterARequestThatFailed() {
		this.request.addHeader(HEADER, "acme");
		assertThatExceptionOfType(ServletException.class)
			.isThrownBy(() -> this.filter.doFilter(this.request, this.response, (request, response) -> {
				throw new ServletException("failed");
			}));
		assertThat(TenantScope.current()).isNull();
	}

	@Test
	void aRequestNamingItsTenantTwiceIsRefusedWith400BeforeTheChain() throws Exception {
		this.request.addHeader(HEADER, "globex");
		this.request.addHeader(HEADER, "acme");
		this.filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.chain.getRequest()).isNull();
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentAsString()).contains("more than one " + HEADER);
	}

	@Test
	void invalidTenantIdIsRefusedWith400BeforeTheChain() throws Exception {
		this.request.addHeader(HEADER, "acme corp");
		this.filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.chain.getRequest()).isNull();
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentType()).isEqualTo("text/plain;charset=UTF-8");
		assertThat(this.response.getContentAsString())
			.contains("a tenant id is 1 to 56 letters, digits, '-' or '_', starting with a letter or digit");
	}

	@Test
	void refusalOfAnInvalidTenantIdDoesNotRepeatItsForbiddenCharacters() throws Exception {
		this.request.addHeader(HEADER, "<script>alert(1)</script>");
		this.filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.response.getContentAsString()).doesNotContain("<", ">", "(", ")")
			.contains("'?script?alert?1???script?'");
	}

	@Test
	void refusalOfAnOverlongTenantIdDoesNotRepeatIt() throws Exception {
		String overlong = "a".repeat(TenantIds.MAX_LENGTH + 1);
		this.request.addHeader(HEADER, overlong);
		this.filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentAsString()).doesNotContain(overlong).contains("57 characters");
	}

	@Test
	void requestWithoutATenantRunsWithoutOne() throws Exception {
		TenantScope.enter("globex");
		this.filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.inChain.get()).isNull();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void requestWithoutATenantIsRefusedWith400NamingTheHeaderWhenATenantIsRequired() throws Exception {
		this.requiring.doFilter(this.request, this.response, this.chain);
		assertThat(this.chain.getRequest()).isNull();
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentAsString())
			.isEqualTo("Missing tenant: send the tenant id in the X-Tenant-Id request header");
	}

	@Test
	void blankTenantHeaderCountsAsMissing() throws Exception {
		this.request.addHeader(HEADER, "  ");
		this.requiring.doFilter(this.request, this.response, this.chain);
		assertThat(this.response.getContentAsString()).startsWith("Missing tenant");
	}

	@Test
	void requestWithATenantRunsWhenATenantIsRequired() throws Exception {
		this.request.addHeader(HEADER, "acme");
		this.requiring.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.inChain.get()).isEqualTo("acme");
	}

	@Test
	void actuatorRequestWithoutATenantRunsWhenATenantIsRequired() throws Exception {
		MockHttpServletRequest health = request("/actuator/health/readiness");
		this.requiring.doFilter(health, this.response, this.chain);
		assertThat(this.chain.getRequest()).isSameAs(health);
	}

	@Test
	void actuatorBasePathItselfRunsWithoutATenantWhenATenantIsRequired() throws Exception {
		MockHttpServletRequest links = request("/actuator");
		this.requiring.doFilter(links, this.response, this.chain);
		assertThat(this.chain.getRequest()).isSameAs(links);
	}

	@Test
	void pathThatOnlyBeginsLikeTheActuatorsIsRefusedWithoutATenant() throws Exception {
		this.requiring.doFilter(request("/actuators/notes"), this.response, this.chain);
		assertThat(this.response.getStatus()).isEqualTo(400);
	}

	// The container normalizes the servlet path; the raw request URI keeps the dot
	// segments.
	@Test
	void requestThatClimbsOutOfTheActuatorPathIsRefusedWithoutATenant() throws Exception {
		MockHttpServletRequest climbing = new MockHttpServletRequest("GET", "/actuator/../notes");
		climbing.setServletPath("/notes");
		this.requiring.doFilter(climbing, this.response, this.chain);
		assertThat(this.response.getStatus()).isEqualTo(400);
	}

	@Test
	void actuatorPathIsMatchedOnServletPathAndPathInfo() throws Exception {
		TenantFilter filter = new TenantFilter(new HeaderTenantResolver(HEADER), true, List.of("/api/actuator"));
		MockHttpServletRequest health = new MockHttpServletRequest("GET", "/shop/api/actuator/health");
		health.setContextPath("/shop");
		health.setServletPath("/api");
		health.setPathInfo("/actuator/health");
		filter.doFilter(health, this.response, this.chain);
		assertThat(this.chain.getRequest()).isSameAs(health);
	}

	@Test
	void actuatorRequestWithAnInvalidTenantIdIsRefused() throws Exception {
		MockHttpServletRequest health = request("/actuator/health");
		health.addHeader(HEADER, "acme corp");
		this.requiring.doFilter(health, this.response, this.chain);
		assertThat(this.response.getStatus()).isEqualTo(400);
	}

	@Test
	void applicationsOwnResolverDecidesTheTenant() throws Exception {
		TenantFilter filter = new TenantFilter((request) -> request.getRemoteUser(), true, ACTUATOR);
		this.request.setRemoteUser("initech");
		this.request.addHeader(HEADER, "acme");
		filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.inChain.get()).isEqualTo("initech");
	}

	@Test
	void applicationsOwnResolverFindingNoTenantIsRefusedWithoutNamingAHeader() throws Exception {
		TenantFilter filter = new TenantFilter((request) -> request.getRemoteUser(), true, ACTUATOR);
		filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentAsString())
			.isEqualTo("Missing tenant: this application serves requests only for a tenant");
	}

	@Test
	void invalidTenantIdThrownByTheResolverIsRefusedWith400() throws Exception {
		TenantFilter filter = new TenantFilter((request) -> TenantIds.require("acme corp"), false, ACTUATOR);
		filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.chain.getRequest()).isNull();
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentAsString()).startsWith("Invalid tenant id: ");
	}

	@Test
	void resolverFailureIsRefusedWith500WithoutItsMessage() throws Exception {
		TenantFilter filter = new TenantFilter((request) -> {
			throw new IllegalStateException("tenant directory at ldap://10.0.0.7 refused password s3cret");
		}, false, ACTUATOR);
		filter.doFilter(this.request, this.response, this.chain);
		assertThat(this.chain.getRequest()).isNull();
		assertThat(this.response.getStatus()).isEqualTo(500);
		assertThat(this.response.getContentAsString()).isEqualTo("The tenant of the request could not be determined");
	}

	@Test
	void asyncDispatchRunsForTheRequestsTenantWithoutAskingTheResolverAgain() throws Exception {
		AtomicInteger resolutions = new AtomicInteger();
		TenantFilter filter = new TenantFilter((request) -> {
			resolutions.incrementAndGet();
			return request.getHeader(HEADER);
		}, true, ACTUATOR);
		this.request.addHeader(HEADER, "acme");
		filter.doFilter(this.request, this.response, this.chain);
		this.request.setDispatcherType(DispatcherType.ASYNC);
		filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.inChain.get()).isEqualTo("acme");
		assertThat(resolutions).hasValue(1);
	}

	@Test
	void errorDispatchRunsForTheFailedRequestsTenant() throws Exception {
		this.request.addHeader(HEADER, "acme");
		this.filter.doFilter(this.request, this.response, this.chain);
		this.request.setDispatcherType(DispatcherType.ERROR);
		this.filter.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.inChain.get()).isEqualTo("acme");
	}

	@Test
	void errorDispatchOfARequestRefusedBeforeThisFilterRunsWithoutATenant() throws Exception {
		this.request.setDispatcherType(DispatcherType.ERROR);
		this.request.addHeader(HEADER, "acme");
		this.requiring.doFilter(this.request, this.response, this.recordingChain);
		assertThat(this.response.getStatus()).isEqualTo(200);
		assertThat(this.inChain.get()).isNull();
	}

	@Test
	void rootIsNoExemptPathPrefix() {
		HeaderTenantResolver resolver = new HeaderTenantResolver(HEADER);
		assertThatIllegalArgumentException().isThrownBy(() -> new TenantFilter(resolver, true, List.of("/")));
	}

	@Test
	void exemptPathPrefixStartsWithASlash() {
		HeaderTenantResolver resolver = new HeaderTenantResolver(HEADER);
		assertThatIllegalArgumentException().isThrownBy(() -> new TenantFilter(resolver, true, List.of("actuator")));
	}

	// As the DispatcherServlet mapped to "/" sees it: the servlet path is the whole path.
	private static MockHttpServletRequest request(String path) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setServletPath(path);
		return request;
	}

}
