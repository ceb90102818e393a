package io.routingpools.tenant;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Decides the tenant of a web request (DESIGN section 7). The default,
 * {@link HeaderTenantResolver}, reads a request header and trusts the client: use it
 * behind a gateway that sets the header. An application that knows its tenant from the
 * authenticated user declares its own bean. The filter validates what it returns
 * ({@link TenantIds}) before the request runs.
 */
@FunctionalInterface
public interface TenantResolver {

	/**
	 * The tenant of a request.
	 * @param request the request
	 * @return the tenant id, or {@code null} when the request has none
	 */
	@Nullable String resolveTenant(HttpServletRequest request);

}
