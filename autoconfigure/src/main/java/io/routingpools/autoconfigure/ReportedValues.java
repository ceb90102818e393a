package io.routingpools.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.routingpools.pool.JdbcUrls;
import org.jspecify.annotations.Nullable;

/**
 * Renders a configured value for the startup report: the way a user writes it (a duration
 * as {@code -1s} or {@code 100ms}, not {@code PT-1S}), and never a secret (a password,
 * whether a setting, a driver property or part of a JDBC URL).
 */
final class ReportedValues {

	/** Shown in place of a secret. */
	static final String HIDDEN = "******";

	/** Shown for a setting that is not set. */
	static final String NONE = "(none)";

	/** Setting or driver property names whose values are secrets. */
	private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|sslkey).*");

	/** Duration units a user writes (Spring Boot's simple format), largest first. */
	private static final List<Unit> UNITS = List.of(new Unit(ChronoUnit.DAYS, "d"), new Unit(ChronoUnit.HOURS, "h"),
			new Unit(ChronoUnit.MINUTES, "m"), new Unit(ChronoUnit.SECONDS, "s"), new Unit(ChronoUnit.MILLIS, "ms"),
			new Unit(ChronoUnit.MICROS, "us"), new Unit(ChronoUnit.NANOS, "ns"));

	private ReportedValues() {
	}

	/**
	 * Render the value of a property for the report.
	 * @param property the full property name; its last segment says whether the value is
	 * a secret
	 * @param value the value as bound, or {@code null} when it is not set
	 * @return the text to show
	 */
	static String of(String property, @Nullable Object value) {
		if (value == null) {
			return NONE;
		}
		if (isSecret(property.substring(property.lastIndexOf('.') + 1))) {
			return HIDDEN;
		}
		if (value instanceof Duration duration) {
			return format(duration);
		}
		if (value instanceof Map<?, ?> entries) {
			return entries.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + "="
						+ (isSecret(String.valueOf(entry.getKey())) ? HIDDEN : text(entry.getValue())))
				.collect(Collectors.joining(", ", "{", "}"));
		}
		return text(value);
	}

	/**
	 * Format a duration in the largest unit that states it exactly, as a user writes it
	 * in {@code application.properties}: {@code 30s}, {@code 100ms}, {@code -1s}.
	 * @param duration the duration
	 * @return the duration with its unit
	 */
	static String format(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		for (Unit unit : UNITS) {
			Duration one = unit.unit().getDuration();
			try {
				long count = duration.dividedBy(one);
				if (one.multipliedBy(count).equals(duration)) {
					return count + unit.suffix();
				}
			}
			catch (ArithmeticException ex) {
				// Too many of this unit for a long: a smaller unit cannot do better.
				break;
			}
		}
		return duration.toString();
	}

	private static boolean isSecret(String name) {
		return SECRET_NAME.matcher(name).matches();
	}

	private static String text(@Nullable Object value) {
		String text = String.valueOf(value);
		String masked = JdbcUrls.mask(text);
		return (masked != null) ? masked : text;
	}

	private record Unit(ChronoUnit unit, String suffix) {

	}

}
