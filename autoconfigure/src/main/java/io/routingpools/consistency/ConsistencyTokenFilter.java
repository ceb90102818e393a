package io.routingpools.consistency;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes each web request a consistency scope that carries on from the client's earlier
 * writes (DESIGN section 5): the request's reads follow the token the client sent, and
 * the token of each write the request commits goes back to the client, as the
 * {@value #COOKIE_NAME} cookie or the {@value #HEADER_NAME} header
 * ({@link TokenPropagation}).
 * <p>
 * The token comes in as the {@value #HEADER_NAME} request header or the
 * {@value #COOKIE_NAME} cookie, whichever way it goes out: of those that
 * {@link ReadYourWrites#accept(String)} accepts, the one with the latest WAL position. A
 * token that is malformed, expired, issued in the future, from another cluster or beyond
 * the primary is ignored, never an error.
 * <p>
 * A token goes out when its write commits, on the thread serving the request, provided
 * the response is not committed yet: a response may well be committed before the filter
 * chain returns. A servlet response is not thread-safe, so writes committed on other
 * threads that share the request's scope ({@code @Async} work, see
 * {@link ConsistencyTaskDecorator}) only move the scope's token; the filter writes the
 * latest token when the chain returns, if the response is still open then. A token goes
 * out once: never the one the client sent, nor one the response already carries.
 * <p>
 * By dispatch type:
 * <ul>
 * <li>{@code REQUEST}: opens the request's scope, seeded with the client's token, enters
 * it for the chain and restores the thread's previous scope afterwards. The scope is kept
 * in a request attribute for later dispatches of the same request. When the chain started
 * async processing, the response is left alone after the chain: it belongs to that
 * processing until the next dispatch.</li>
 * <li>{@code ASYNC} (Spring MVC async processing, servlet async): enters the request's
 * scope again, which the async work shared, and first writes the token that work
 * recorded, before this dispatch can commit the response; then as above.</li>
 * <li>{@code ERROR}: as {@code ASYNC} when the request's scope exists, so that an error
 * page follows the failed request's writes and its token is written if the response lost
 * it; otherwise as {@code REQUEST}.</li>
 * <li>{@code FORWARD}, {@code INCLUDE}: within a dispatch already filtered, they pass
 * through.</li>
 * </ul>
 * Token values are logged at debug level only.
 */
public final class ConsistencyTokenFilter extends OncePerRequestFilter {

	/** The cookie that carries the token. */
	public static final String COOKIE_NAME = "rp-consistency";

	/** The request and response header that carries the token. */
	public static final String HEADER_NAME = "X-Routing-Consistency";

	private static final String EXCHANGE_ATTRIBUTE = ConsistencyTokenFilter.class.getName() + ".EXCHANGE";

	private final ReadYourWrites rules;

	private final TokenPropagation propagation;

	private final long maxAgeSeconds;

	/**
	 * Create the filter.
	 * @param rules which incoming tokens apply; its {@code token-max-age} is also the
	 * cookie's Max-Age
	 * @param propagation how tokens go out
	 */
	public ConsistencyTokenFilter(ReadYourWrites rules, TokenPropagation propagation) {
		this.rules = rules;
		this.propagation = propagation;
		// Max-Age counts whole seconds, and 0 would delete the cookie at once.
		long millis = rules.settings().tokenMaxAge().toMillis();
		this.maxAgeSeconds = Math.max(1, (millis + 999) / 1000);
	}

	/**
	 * How tokens go out.
	 * @return the cookie or the header
	 */
	public TokenPropagation propagation() {
		return this.propagation;
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
		Exchange exchange = exchange(request);
		ConsistencyScope previous = exchange.scope.enter();
		exchange.serve(request, response);
		try {
			// Work handed over by an earlier dispatch may have written since.
			exchange.writeLatest();
			chain.doFilter(request, response);
			// Writes committed on other threads were not written when they committed.
			// Once
			// async processing started, the response belongs to it until the next
			// dispatch.
			if (!request.isAsyncStarted()) {
				exchange.writeLatest();
			}
		}
		finally {
			exchange.release();
			ConsistencyScope.restore(previous);
		}
	}

	private Exchange exchange(HttpServletRequest request) {
		if (request.getAttribute(EXCHANGE_ATTRIBUTE) instanceof Exchange existing) {
			return existing;
		}
		Exchange exchange = new Exchange(incoming(request));
		request.setAttribute(EXCHANGE_ATTRIBUTE, exchange);
		return exchange;
	}

	// The header and every cookie of that name are candidates: the latest write wins.
	private @Nullable ConsistencyToken incoming(HttpServletRequest request) {
		ConsistencyToken token = this.rules.accept(request.getHeader(HEADER_NAME));
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (COOKIE_NAME.equals(cookie.getName())) {
					token = later(token, this.rules.accept(cookie.getValue()));
				}
			}
		}
		return token;
	}

	private static @Nullable ConsistencyToken later(@Nullable ConsistencyToken first,
			@Nullable ConsistencyToken second) {
		if (first == null || second == null) {
			return (first != null) ? first : second;
		}
		if (first.lsn() != second.lsn()) {
			return (first.lsn() > second.lsn()) ? first : second;
		}
		return (first.issuedAtMillis() >= second.issuedAtMillis()) ? first : second;
	}

	private boolean carries(HttpServletResponse response, String token) {
		if (this.propagation == TokenPropagation.HEADER) {
			return token.equals(response.getHeader(HEADER_NAME));
		}
		String written = COOKIE_NAME + "=" + token;
		for (String header : response.getHeaders(HttpHeaders.SET_COOKIE)) {
			if (header.equals(written) || header.startsWith(written + ";")) {
				return true;
			}
		}
		return false;
	}

	private void write(HttpServletRequest request, HttpServletResponse response, String token) {
		if (this.propagation == TokenPropagation.HEADER) {
			response.setHeader(HEADER_NAME, token);
			return;
		}
		String contextPath = request.getContextPath();
		ResponseCookie cookie = ResponseCookie.from(COOKIE_NAME, token)
			.path(StringUtils.hasLength(contextPath) ? contextPath : "/")
			.maxAge(this.maxAgeSeconds)
			.httpOnly(true)
			.sameSite("Lax")
			.secure(request.isSecure())
			.build();
		// Added, not set: the other cookies of the response stay. A request that commits
		// several writes sends one cookie per token, the newest last, which browsers
		// keep.
		response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
	}

	/**
	 * One request: its scope, and the dispatch serving it at the moment, if any.
	 */
	private final class Exchange implements ConsistencyScope.TokenListener {

		private final ConsistencyScope scope;

		private final @Nullable ConsistencyToken incoming;

		private volatile @Nullable Thread owner;

		private volatile @Nullable HttpServletRequest request;

		private volatile @Nullable HttpServletResponse response;

		Exchange(@Nullable ConsistencyToken incoming) {
			this.incoming = incoming;
			this.scope = new ConsistencyScope(incoming);
			this.scope.listen(this);
		}

		void serve(HttpServletRequest request, HttpServletResponse response) {
			this.request = request;
			this.response = response;
			this.owner = Thread.currentThread();
		}

		void release() {
			this.owner = null;
			this.request = null;
			this.response = null;
		}

		@Override
		public void recorded(ConsistencyToken token) {
			// Only the thread serving the current dispatch may touch the response.
			if (Thread.currentThread() == this.owner) {
				writeLatest();
			}
		}

		/**
		 * Write the scope's latest token, which may be newer than the one just recorded
		 * if another thread recorded one meanwhile. Never throws: it runs right after a
		 * write committed, and must not make that write look failed.
		 */
		void writeLatest() {
			HttpServletRequest request = this.request;
			HttpServletResponse response = this.response;
			ConsistencyToken token = this.scope.token();
			if (request == null || response == null || token == null || token.equals(this.incoming)) {
				return;
			}
			try {
				String text = token.serialize();
				if (carries(response, text)) {
					return;
				}
				if (!response.isCommitted()) {
					write(request, response, text);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Response already committed: consistency token " + text + " not sent");
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Could not write the consistency token to the response", ex);
			}
		}

	}

}
