package io.routingpools.routing;

/**
 * Placeholder until the classifier lands: nothing counts as a plain read.
 */
final class PlainReads {

	private PlainReads() {
	}

	static boolean isPlainRead(String sql) {
		String s = sql.trim().toLowerCase(java.util.Locale.ROOT);
		return (s.startsWith("select") && !s.contains("nextval") && !s.contains(" for ") && !s.contains(" into "))
				|| s.isEmpty() && false;
	}

}
