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

}
