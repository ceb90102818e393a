package io.routingpools.tenant;

import org.jspecify.annotations.Nullable;

/**
 * A tenant id that {@link TenantIds} refuses: thrown before any connection is used for
 * it. The web filter answers it with 400 Bad Request.
 */
public class InvalidTenantIdException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception for a refused id.
	 * @param id the id
	 */
	public InvalidTenantIdException(@Nullable String id) {
		super("Invalid tenant id: " + TenantIds.problem(id) + "; a tenant id is 1 to " + TenantIds.MAX_LENGTH
				+ " letters, digits, '-' or '_', starting with a letter or digit");
	}

	private InvalidTenantIdException(String message, boolean unused) {
		super(message);
	}

	/**
	 * A request that names its tenant more than once: which one is meant is not clear,
	 * and a gateway that appends its header instead of replacing the client's would
	 * otherwise let the client's win.
	 * @param header the header that appears several times
	 * @return the exception
	 */
	public static InvalidTenantIdException severalValues(String header) {
		return new InvalidTenantIdException(
				"Invalid tenant id: the request has more than one " + header + " header; send exactly one", false);
	}

}
