package io.routingpools.tenant;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs each web request for its tenant (DESIGN section 7): asks the
 * {@link TenantResolver}, checks the id ({@link TenantIds}) and runs the rest of the
 * filter chain with that tenant current ({@link TenantScope}), putting the thread's
 * previous tenant back afterwards. Every connection the request binds takes that tenant:
 * its quota, its dedicated pool, the session variable.
 * <p>
 * A request is answered here, and nothing of the application runs, when:
 * <ul>
 * <li>the resolver returns an invalid id, or throws {@link InvalidTenantIdException}:
 * {@code 400 Bad Request}, with a text that says what a valid id is (never the characters
 * of the id that are not allowed);</li>
 * <li>{@code require-tenant} is on and the resolver found no tenant: {@code 400 Bad
 * Request}, naming the header for a {@link HeaderTenantResolver}. Requests under the
 * exempt path prefixes (the actuator's base path, so that health probes keep working) run
 * without a tenant instead;</li>
 * <li>the resolver throws anything else: {@code 500 Internal Server Error} with a fixed
 * text; the exception is logged, never sent.</li>
 * </ul>
 * Refusals are written as {@code text/plain} bodies, not with {@code sendError}, so that
 * the client gets the reason whatever the application's error page shows. The path a
 * prefix is matched against is the servlet path plus path info, which the container has
 * decoded and normalized, so {@code /actuator/../notes} is not exempt.
 * <p>
 * By dispatch type:
 * <ul>
 * <li>{@code REQUEST}: resolves the tenant as above and keeps it in a request attribute
 * for the later dispatches of the same request; the resolver is asked once per
 * request.</li>
 * <li>{@code ASYNC} (Spring MVC {@code Callable} and {@code DeferredResult}, servlet
 * async): runs the dispatch for the tenant the request was given. The async work itself
 * gets it from the executor's {@link TenantTaskDecorator}.</li>
 * <li>{@code ERROR}: runs the error page for the failed request's tenant; an error of a
 * request this filter never saw (refused by an earlier filter) runs without a tenant, and
 * is never refused here.</li>
 * <li>{@code FORWARD}, {@code INCLUDE}: they happen inside a dispatch already filtered,
 * with its tenant current.</li>
 * </ul>
 */
public final class TenantFilter extends OncePerRequestFilter {

	private static final String DECISION_ATTRIBUTE = TenantFilter.class.getName() + ".DECISION";

	private static final String RESOLVER_FAILED = "The tenant of the request could not be determined";

	private final TenantResolver resolver;

	private final boolean requireTenant;

	private final List<String> exemptPathPrefixes;

	private final String missingTenant;

	/**
	 * Create the filter.
	 * @param resolver decides each request's tenant
	 * @param requireTenant whether requests without a tenant are refused
	 * @param exemptPathPrefixes path prefixes, within the application (after the context
	 * path), whose requests may come without a tenant even when one is required; each
	 * starts with {@code /} and is more than {@code /}
	 * @throws IllegalArgumentException if a prefix is not such a path
	 */
	public TenantFilter(TenantResolver resolver, boolean requireTenant, Collection<String> exemptPathPrefixes) {
		this.resolver = resolver;
		this.requireTenant = requireTenant;
		this.exemptPathPrefixes = prefixes(exemptPathPrefixes);
		this.missingTenant = (resolver instanceof HeaderTenantResolver header)
				? "Missing tenant: send the tenant id in the " + header.header() + " request header"
				: "Missing tenant: this application serves requests only for a tenant";
	}

	private static List<String> prefixes(Collection<String> paths) {
		List<String> prefixes = new ArrayList<>(paths.size());
		for (String path : paths) {
			String prefix = path;
			while (prefix.endsWith("/")) {
				prefix = prefix.substring(0, prefix.length() - 1);
			}
			if (!prefix.startsWith("/")) {
				throw new IllegalArgumentException(
						"An exempt path prefix must start with '/' and be more than '/', not '" + path + "'");
			}
			prefixes.add(prefix);
		}
		return List.copyOf(prefixes);
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Decision decision;
		if (request.getAttribute(DECISION_ATTRIBUTE) instanceof Decision earlier) {
			decision = earlier;
		}
		else if (request.getDispatcherType() == DispatcherType.ERROR) {
			// The response already reports a failure: an error page is not refused.
			decision = Decision.NONE;
		}
		else {
			Decision decided = decide(request, response);
			if (decided == null) {
				return;
			}
			request.setAttribute(DECISION_ATTRIBUTE, decided);
			decision = decided;
		}
		@Nullable String previous = TenantScope.enter(decision.tenantId());
		try {
			chain.doFilter(request, response);
		}
		finally {
			TenantScope.restore(previous);
		}
	}

	/**
	 * The request's tenant, or {@code null} when the request was refused.
	 */
	private @Nullable Decision decide(HttpServletRequest request, HttpServletResponse response) throws IOException {
		@Nullable String tenantId;
		try {
			tenantId = this.resolver.resolveTenant(request);
			if (tenantId != null) {
				TenantIds.require(tenantId);
			}
		}
		catch (InvalidTenantIdException ex) {
			return refused(response, HttpServletResponse.SC_BAD_REQUEST,
					Objects.requireNonNullElse(ex.getMessage(), "Invalid tenant id"));
		}
		catch (RuntimeException ex) {
			logger.error("Tenant resolver failed: request " + request.getMethod() + " " + request.getRequestURI()
					+ " refused with 500", ex);
			return refused(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, RESOLVER_FAILED);
		}
		if (tenantId == null) {
			if (this.requireTenant && !exempt(request)) {
				return refused(response, HttpServletResponse.SC_BAD_REQUEST, this.missingTenant);
			}
			return Decision.NONE;
		}
		return new Decision(tenantId);
	}

	private boolean exempt(HttpServletRequest request) {
		String pathInfo = request.getPathInfo();
		String path = (pathInfo != null) ? request.getServletPath() + pathInfo : request.getServletPath();
		for (String prefix : this.exemptPathPrefixes) {
			if (path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/')) {
				return true;
			}
		}
		return false;
	}

	private @Nullable Decision refused(HttpServletResponse response, int status, String message) throws IOException {
		if (logger.isDebugEnabled()) {
			logger.debug("Request refused with " + status + ": " + message);
		}
		response.setStatus(status);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().write(message);
		return null;
	}

	/**
	 * The tenant a request runs for.
	 *
	 * @param tenantId the tenant, or {@code null} for none
	 */
	private record Decision(@Nullable String tenantId) {

		static final Decision NONE = new Decision(null);

	}

}
