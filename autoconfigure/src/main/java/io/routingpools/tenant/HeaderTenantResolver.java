package io.routingpools.tenant;

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Takes the tenant from a request header ({@code routing-pools.tenants.header}, by
 * default {@code X-Tenant-Id}). It trusts whoever sent the request: any client can name
 * any tenant. Use it only behind a gateway that authenticates the caller and sets the
 * header itself (dropping one sent by the client), or replace it with a
 * {@link TenantResolver} bean that derives the tenant from the authenticated user.
 */
public final class HeaderTenantResolver implements TenantResolver {

	private final String header;

	/**
	 * Create a resolver reading the given header.
	 * @param header the header name
	 */
	public HeaderTenantResolver(String header) {
		this.header = header;
	}

	/**
	 * The header read.
	 * @return the header name
	 */
	public String header() {
		return this.header;
	}

	/**
	 * The header's value, trimmed; {@code null} when it is absent or blank.
	 * @throws InvalidTenantIdException if the header appears more than once
	 */
	@Override
	public @Nullable String resolveTenant(HttpServletRequest request) {
		Enumeration<String> values = request.getHeaders(this.header);
		if (values == null || !values.hasMoreElements()) {
			return null;
		}
		String value = values.nextElement();
		if (values.hasMoreElements()) {
			throw InvalidTenantIdException.severalValues(this.header);
		}
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
