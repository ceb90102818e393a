package io.routingpools.pool;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Renders JDBC URLs for messages and logs without the secrets they may carry.
 */
public final class JdbcUrls {

	private static final Pattern SECRET = Pattern.compile("(?i)((?:ssl)?password|sslkey(?:password)?)=[^&;]*");

	/** The password of a URL's user information: {@code //user:password@host}. */
	private static final Pattern USER_PASSWORD = Pattern.compile("(//[^/:@?;]*:)[^/@?;]*@");

	private JdbcUrls() {
	}

	/**
	 * Return the URL with the values of {@code password=}, {@code sslpassword=} and
	 * similar parameters, and the password of {@code //user:password@host}, replaced by
	 * {@code ******}.
	 * @param url a JDBC URL, may be {@code null}
	 * @return the masked URL, or {@code null}
	 */
	public static @Nullable String mask(@Nullable String url) {
		if (url == null) {
			return null;
		}
		String masked = SECRET.matcher(url).replaceAll("$1=******");
		return USER_PASSWORD.matcher(masked).replaceAll("$1******@");
	}

	/**
	 * Whether a PostgreSQL JDBC URL names more than one host (a pgjdbc multi-host URL).
	 * @param url a JDBC URL
	 * @return {@code true} if the host part lists several hosts
	 */
	public static boolean hasSeveralHosts(String url) {
		String rest = url.startsWith("jdbc:postgresql://") ? url.substring("jdbc:postgresql://".length()) : "";
		int end = indexOfAny(rest, "/?");
		String hosts = (end >= 0) ? rest.substring(0, end) : rest;
		return hosts.contains(",");
	}

	private static int indexOfAny(String text, String characters) {
		for (int i = 0; i < text.length(); i++) {
			if (characters.indexOf(text.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

}
