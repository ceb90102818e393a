package io.routingpools.benchmarks.consistency;

import java.net.URI;

import io.routingpools.consistency.ConsistencyTokenFilter;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web application of part (c): {@code POST /rows} writes a row and answers
 * {@code 303 See Other} to {@code /rows/{id}}; {@code GET /rows/{id}} reads it back in a
 * read-only transaction and answers, as plain text, which node served the read: 200 when
 * the row was there, 404 when not. The starter's {@link ConsistencyTokenFilter} makes
 * each request a scope and carries the POST's token to the GET in the
 * {@code rp-consistency} cookie.
 */
@RestController
class RowsController {

	/** Row ids that the server hands out, far above the harness's own. */
	static final String SEQUENCE = "consistency_row_ids";

	static final long FIRST_ID = 1_000_000_000_000L;

	private static final String INSERT = "insert into " + RoutedApp.TABLE + " (id, client) values (nextval('" + SEQUENCE
			+ "'), ?) returning id";

	private final JdbcTemplate jdbc;

	RowsController(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Write a row, and send the client to it.
	 * @param client who writes it
	 * @return 303 See Other, {@code Location: /rows/{id}}
	 */
	@PostMapping("/rows")
	@Transactional
	public ResponseEntity<Void> create(@RequestParam("client") int client) {
		Long id = this.jdbc.queryForObject(INSERT, Long.class, client);
		return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/rows/" + id)).build();
	}

	/**
	 * Read a row back.
	 * @param id the row's id
	 * @param cookie the consistency cookie the request carried, if any
	 * @return 200 or 404, with {@code <cluster_name> <pg_is_in_recovery> <cookie sent>}
	 */
	@GetMapping("/rows/{id}")
	@Transactional(readOnly = true)
	public ResponseEntity<String> read(@PathVariable("id") long id,
			@CookieValue(name = ConsistencyTokenFilter.COOKIE_NAME, required = false) @Nullable String cookie) {
		RoutedApp.Read read = this.jdbc.queryForObject(RoutedApp.READ,
				(rs, row) -> new RoutedApp.Read(rs.getLong(1) == 1, rs.getString(2), rs.getBoolean(3)), id);
		if (read == null) {
			throw new IllegalStateException("No answer");
		}
		return ResponseEntity.status(read.found() ? HttpStatus.OK : HttpStatus.NOT_FOUND)
			.contentType(MediaType.TEXT_PLAIN)
			.body(read.node() + " " + read.inRecovery() + " " + (cookie != null));
	}

}
