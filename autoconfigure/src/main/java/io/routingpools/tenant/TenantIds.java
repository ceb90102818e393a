package io.routingpools.tenant;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What a tenant id may be: 1 to 56 letters, digits, {@code -} or {@code _}, starting with
 * a letter or digit. The limit keeps a dedicated tenant's pool name, {@code tenant-<id>},
 * within PostgreSQL's 63 characters of {@code application_name}; the characters keep ids
 * safe in pool names, meter tags, logs and headers. Ids are case-sensitive.
 */
public final class TenantIds {

	/** The longest id, in characters. */
	public static final int MAX_LENGTH = 56;

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0," + (MAX_LENGTH - 1) + "}");

	private TenantIds() {
	}

	/**
	 * Whether an id is valid.
	 * @param id the id, or {@code null}
	 * @return {@code true} for a valid id
	 */
	public static boolean isValid(@Nullable String id) {
		return id != null && VALID.matcher(id).matches();
	}

	/**
	 * Check an id before any work runs for it.
	 * @param id the id
	 * @return the id
	 * @throws InvalidTenantIdException if it is not valid, saying why
	 */
	public static String require(@Nullable String id) {
		if (id == null || !VALID.matcher(id).matches()) {
			throw new InvalidTenantIdException(id);
		}
		return id;
	}

	/**
	 * Why an id is refused, without repeating more of it than is safe to log.
	 * @param id the refused id
	 * @return the reason
	 */
	static String problem(@Nullable String id) {
		if (id == null) {
			return "there is no tenant id (null)";
		}
		if (id.isEmpty()) {
			return "the tenant id is empty";
		}
		if (id.length() > MAX_LENGTH) {
			return "the tenant id has " + id.length() + " characters, more than " + MAX_LENGTH;
		}
		return "the tenant id '" + id.replaceAll("[^A-Za-z0-9_-]", "?")
				+ "' has characters other than letters, digits, '-' and '_', or does not start with a letter or digit";
	}

}
