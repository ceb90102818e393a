package io.routingpools.consistency;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.routingpools.pool.NamedPools;
import io.routingpools.pool.TestPools;
import io.routingpools.replica.ClusterIdentity;
import io.routingpools.replica.ReplicaStates;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockCookie;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.util.WebUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ConsistencyTokenFilterTests {

	private static final long SYSTEM_IDENTIFIER = 7713990516384802699L;

	private static final long NOW = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();

	private static final Duration TOKEN_MAX_AGE = Duration.ofSeconds(30);

	private static final ConsistencyToken WRITTEN = token(0x5DADC0, NOW);

	private static final ConsistencyToken LATER = token(0x5DAE00, NOW);

	private static final ConsistencyToken SENT = token(0x4000, NOW - 1000);

	private final NamedPools pools = TestPools.withReplicaWeights(1);

	private final ReadYourWrites rules = rules(TOKEN_MAX_AGE);

	private final ConsistencyTokenFilter filter = new ConsistencyTokenFilter(this.rules, TokenPropagation.COOKIE);

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/notes");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@AfterEach
	void closePools() {
		this.pools.close();
	}

	@Test
	void writeCommittedInTheChainSendsAnHttpOnlySameSiteLaxCookie() throws Exception {
		this.filter.doFilter(this.request, this.response, chain(() -> ConsistencyScope.current().record(WRITTEN)));
		MockCookie cookie = (MockCookie) this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME);
		assertThat(cookie).isNotNull();
		assertThat(cookie.getValue()).isEqualTo(WRITTEN.serialize());
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.getMaxAge()).isEqualTo(30);
		assertThat(cookie.getPath()).isEqualTo("/");
		assertThat(cookie.getSecure()).isFalse();
	}

	@Test
	void cookieIsSentWhenTheWriteCommitsBeforeTheChainReturns() throws Exception {
		AtomicReference<@Nullable Cookie> inChain = new AtomicReference<>();
		this.filter.doFilter(this.request, this.response, chain(() -> {
			ConsistencyScope.current().record(WRITTEN);
			inChain.set(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME));
		}));
		assertThat(inChain.get()).isNotNull().extracting(Cookie::getValue).isEqualTo(WRITTEN.serialize());
	}

	@Test
	void cookieIsSecureOnASecureRequest() throws Exception {
		this.request.setSecure(true);
		this.filter.doFilter(this.request, this.response, chain(() -> ConsistencyScope.current().record(WRITTEN)));
		assertThat(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME).getSecure()).isTrue();
	}

	@Test
	void cookiePathIsTheContextPath() throws Exception {
		this.request.setContextPath("/shop");
		this.filter.doFilter(this.request, this.response, chain(() -> ConsistencyScope.current().record(WRITTEN)));
		assertThat(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME).getPath()).isEqualTo("/shop");
	}

	@Test
	void cookieMaxAgeIsTheTokenMaxAgeRoundedUpToWholeSeconds() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(rules(Duration.ofMillis(1500)),
				TokenPropagation.COOKIE);
		filter.doFilter(this.request, this.response, chain(() -> ConsistencyScope.current().record(WRITTEN)));
		assertThat(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME).getMaxAge()).isEqualTo(2);
	}

	@Test
	void headerModeSendsTheTokenAsAResponseHeaderAndNoCookie() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(this.rules, TokenPropagation.HEADER);
		filter.doFilter(this.request, this.response, chain(() -> ConsistencyScope.current().record(WRITTEN)));
		assertThat(this.response.getHeader(ConsistencyTokenFilter.HEADER_NAME)).isEqualTo(WRITTEN.serialize());
		assertThat(this.response.getCookies()).isEmpty();
	}

	@Test
	void headerModeSendsTheLatestTokenInOneHeader() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(this.rules, TokenPropagation.HEADER);
		filter.doFilter(this.request, this.response, chain(() -> {
			ConsistencyScope.current().record(WRITTEN);
			ConsistencyScope.current().record(LATER);
		}));
		assertThat(this.response.getHeaders(ConsistencyTokenFilter.HEADER_NAME)).containsExactly(LATER.serialize());
	}

	@Test
	void incomingCookieIsTheScopesTokenInTheChain() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, SENT.serialize()));
		assertThat(tokenInChain()).isEqualTo(SENT);
	}

	@Test
	void incomingHeaderIsTheScopesTokenInTheChain() throws Exception {
		this.request.addHeader(ConsistencyTokenFilter.HEADER_NAME, SENT.serialize());
		assertThat(tokenInChain()).isEqualTo(SENT);
	}

	@Test
	void incomingCookieIsReadInHeaderMode() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, SENT.serialize()));
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(this.rules, TokenPropagation.HEADER);
		assertThat(tokenInChain(filter)).isEqualTo(SENT);
	}

	@Test
	void theLatestOfHeaderAndCookieIsTheScopesToken() throws Exception {
		ConsistencyToken later = token(SENT.lsn() + 0x100, NOW - 500);
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, later.serialize()));
		this.request.addHeader(ConsistencyTokenFilter.HEADER_NAME, SENT.serialize());
		assertThat(tokenInChain()).isEqualTo(later);
	}

	@Test
	void everyCookieOfTheNameIsConsidered() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, "junk"),
				new Cookie(ConsistencyTokenFilter.COOKIE_NAME, SENT.serialize()));
		assertThat(tokenInChain()).isEqualTo(SENT);
	}

	@Test
	void aTokenWithoutPositionFromTheClientIsIgnoredInModeLsn() throws Exception {
		this.request.addHeader(ConsistencyTokenFilter.HEADER_NAME, token(0, NOW).serialize());
		assertThat(tokenInChain()).isNull();
	}

	@Test
	void incomingCookieIsUsedWhenTheHeaderIsIgnored() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, SENT.serialize()));
		this.request.addHeader(ConsistencyTokenFilter.HEADER_NAME, "v1.garbage");
		assertThat(tokenInChain()).isEqualTo(SENT);
	}

	@Test
	void malformedTokenIsIgnored() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, "v1.1.1.ZZZ.1"));
		assertThat(tokenInChain()).isNull();
	}

	@Test
	void tokenOlderThanTokenMaxAgeIsIgnored() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME,
				token(0x4000, NOW - TOKEN_MAX_AGE.toMillis() - 1).serialize()));
		assertThat(tokenInChain()).isNull();
	}

	@Test
	void tokenIssuedInTheFutureIsIgnored() throws Exception {
		this.request
			.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, token(0x4000, NOW + 60_000).serialize()));
		assertThat(tokenInChain()).isNull();
	}

	@Test
	void tokenOfAnotherClusterIsIgnored() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME,
				new ConsistencyToken(SYSTEM_IDENTIFIER + 1, 1, 0x4000, NOW).serialize()));
		assertThat(tokenInChain()).isNull();
	}

	@Test
	void incomingTokenIsNotSentBack() throws Exception {
		this.request.setCookies(new Cookie(ConsistencyTokenFilter.COOKIE_NAME, SENT.serialize()));
		this.filter.doFilter(this.request, this.response, chain(() -> {
		}));
		assertThat(this.response.getHeaders("Set-Cookie")).isEmpty();
	}

	@Test
	void tokenRecordedTwiceIsSentOnce() throws Exception {
		this.filter.doFilter(this.request, this.response, chain(() -> {
			ConsistencyScope.current().record(WRITTEN);
			ConsistencyScope.current().record(WRITTEN);
		}));
		assertThat(this.response.getHeaders("Set-Cookie")).hasSize(1);
	}

	@Test
	void writeAfterTheResponseIsCommittedIsNotSentAndDoesNotThrow() throws Exception {
		AtomicBoolean recorded = new AtomicBoolean();
		this.filter.doFilter(this.request, this.response, chain(() -> {
			this.response.flushBuffer();
			ConsistencyScope.current().record(WRITTEN);
			recorded.set(true);
		}));
		assertThat(recorded).isTrue();
		assertThat(this.response.getHeaders("Set-Cookie")).isEmpty();
	}

	@Test
	void responseThatRefusesTheCookieDoesNotFailTheWrite() throws Exception {
		HttpServletResponse refusing = new HttpServletResponseWrapper(this.response) {
			@Override
			public void addHeader(String name, String value) {
				throw new IllegalStateException("refused");
			}
		};
		AtomicBoolean recorded = new AtomicBoolean();
		this.filter.doFilter(this.request, refusing, chain(() -> {
			ConsistencyScope.current().record(WRITTEN);
			recorded.set(true);
		}));
		assertThat(recorded).isTrue();
	}

	@Test
	void threadsPreviousScopeIsRestoredAfterTheChain() throws Exception {
		ConsistencyScope outer = new ConsistencyScope(null);
		ConsistencyScope previous = outer.enter();
		try {
			AtomicReference<@Nullable ConsistencyScope> inChain = new AtomicReference<>();
			this.filter.doFilter(this.request, this.response, chain(() -> inChain.set(ConsistencyScope.current())));
			assertThat(inChain.get()).isNotNull().isNotSameAs(outer);
			assertThat(ConsistencyScope.current()).isSameAs(outer);
		}
		finally {
			ConsistencyScope.restore(previous);
		}
	}

	@Test
	void threadsPreviousScopeIsRestoredWhenTheChainFails() {
		ConsistencyScope outer = new ConsistencyScope(null);
		ConsistencyScope previous = outer.enter();
		try {
			assertThatIllegalStateException()
				.isThrownBy(() -> this.filter.doFilter(this.request, this.response, chain(() -> {
					throw new IllegalStateException("handler failed");
				})));
			assertThat(ConsistencyScope.current()).isSameAs(outer);
		}
		finally {
			ConsistencyScope.restore(previous);
		}
	}

	@Test
	void threadWithoutAScopeHasNoneAfterTheChain() throws Exception {
		this.filter.doFilter(this.request, this.response, chain(() -> ConsistencyScope.current().record(WRITTEN)));
		assertThat(ConsistencyScope.current()).isNull();
	}

	@Test
	void writeCommittedOnAnotherThreadIsSentWhenTheChainReturns() throws Exception {
		AtomicReference<@Nullable Cookie> afterOtherThread = new AtomicReference<>();
		this.filter.doFilter(this.request, this.response, chain(() -> {
			runInScope(ConsistencyScope.current(), () -> ConsistencyScope.current().record(WRITTEN));
			afterOtherThread.set(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME));
		}));
		assertThat(afterOtherThread.get()).isNull();
		assertThat(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME).getValue())
			.isEqualTo(WRITTEN.serialize());
	}

	@Test
	void asyncDispatchEntersTheRequestsScope() throws Exception {
		AtomicReference<@Nullable ConsistencyScope> inRequest = new AtomicReference<>();
		this.request.setAsyncSupported(true);
		this.filter.doFilter(this.request, this.response, chain(() -> {
			inRequest.set(ConsistencyScope.current());
			this.request.startAsync();
		}));
		AtomicReference<@Nullable ConsistencyScope> inAsyncDispatch = new AtomicReference<>();
		asyncDispatch(chain(() -> inAsyncDispatch.set(ConsistencyScope.current())));
		assertThat(inAsyncDispatch.get()).isNotNull().isSameAs(inRequest.get());
	}

	@Test
	void writeOfAsyncWorkIsSentBeforeTheAsyncDispatchRuns() throws Exception {
		AtomicReference<@Nullable ConsistencyScope> inRequest = new AtomicReference<>();
		this.request.setAsyncSupported(true);
		this.filter.doFilter(this.request, this.response, chain(() -> {
			inRequest.set(ConsistencyScope.current());
			this.request.startAsync();
		}));
		runInScope(inRequest.get(), () -> ConsistencyScope.current().record(WRITTEN));
		assertThat(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME)).isNull();
		AtomicReference<@Nullable Cookie> atAsyncDispatch = new AtomicReference<>();
		asyncDispatch(chain(() -> {
			atAsyncDispatch.set(this.response.getCookie(ConsistencyTokenFilter.COOKIE_NAME));
			this.response.flushBuffer();
		}));
		assertThat(atAsyncDispatch.get()).isNotNull().extracting(Cookie::getValue).isEqualTo(WRITTEN.serialize());
	}

	@Test
	void requestDispatchThatStartedAsyncProcessingLeavesTheResponseAlone() throws Exception {
		this.request.setAsyncSupported(true);
		this.filter.doFilter(this.request, this.response, chain(() -> {
			this.request.startAsync();
			runInScope(ConsistencyScope.current(), () -> ConsistencyScope.current().record(WRITTEN));
		}));
		assertThat(this.response.getHeaders("Set-Cookie")).isEmpty();
	}

	@Test
	void errorDispatchEntersTheFailedRequestsScope() throws Exception {
		AtomicReference<@Nullable ConsistencyScope> inRequest = new AtomicReference<>();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.filter.doFilter(this.request, this.response, chain(() -> {
				inRequest.set(ConsistencyScope.current());
				ConsistencyScope.current().record(WRITTEN);
				throw new IllegalStateException("handler failed after its write");
			})));
		this.request.setDispatcherType(DispatcherType.ERROR);
		this.request.setAttribute(WebUtils.ERROR_REQUEST_URI_ATTRIBUTE, "/notes");
		AtomicReference<@Nullable ConsistencyScope> inErrorDispatch = new AtomicReference<>();
		this.filter.doFilter(this.request, this.response, chain(() -> inErrorDispatch.set(ConsistencyScope.current())));
		assertThat(inErrorDispatch.get()).isNotNull().isSameAs(inRequest.get());
		assertThat(inErrorDispatch.get().token()).isEqualTo(WRITTEN);
	}

	@Test
	void eachRequestHasAScopeOfItsOwn() throws Exception {
		AtomicReference<@Nullable ConsistencyScope> first = new AtomicReference<>();
		this.filter.doFilter(this.request, this.response, chain(() -> {
			first.set(ConsistencyScope.current());
			ConsistencyScope.current().record(WRITTEN);
		}));
		AtomicReference<@Nullable ConsistencyScope> second = new AtomicReference<>();
		this.filter.doFilter(new MockHttpServletRequest("GET", "/notes"), new MockHttpServletResponse(),
				chain(() -> second.set(ConsistencyScope.current())));
		assertThat(second.get()).isNotNull().isNotSameAs(first.get());
		assertThat(second.get().token()).isNull();
	}

	private @Nullable ConsistencyToken tokenInChain() throws Exception {
		return tokenInChain(this.filter);
	}

	private @Nullable ConsistencyToken tokenInChain(ConsistencyTokenFilter filter) throws Exception {
		AtomicReference<@Nullable ConsistencyToken> token = new AtomicReference<>();
		AtomicBoolean ran = new AtomicBoolean();
		filter.doFilter(this.request, this.response, chain(() -> {
			token.set(ConsistencyScope.current().token());
			ran.set(true);
		}));
		assertThat(ran).as("chain ran").isTrue();
		return token.get();
	}

	private void asyncDispatch(MockFilterChain chain) throws Exception {
		this.request.setAsyncStarted(false);
		this.request.setDispatcherType(DispatcherType.ASYNC);
		this.filter.doFilter(this.request, this.response, chain);
	}

	// Runs work on a thread of its own that shares the scope, as @Async work would.
	private static void runInScope(@Nullable ConsistencyScope scope, Runnable work) {
		assertThat(scope).isNotNull();
		AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
		Thread thread = new Thread(() -> {
			ConsistencyScope previous = scope.enter();
			try {
				work.run();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
			finally {
				ConsistencyScope.restore(previous);
			}
		});
		thread.start();
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		assertThat(failure.get()).isNull();
	}

	private ReadYourWrites rules(Duration tokenMaxAge) {
		ReplicaStates states = new ReplicaStates(this.pools, Clock.systemUTC());
		states.identify(new ClusterIdentity(SYSTEM_IDENTIFIER, 1, 16 * 1024 * 1024, 8192));
		return new ReadYourWrites(
				new ConsistencySettings(ConsistencyMode.LSN, Duration.ofMillis(20), Duration.ofSeconds(2), tokenMaxAge),
				states, null, () -> NOW);
	}

	private static ConsistencyToken token(long lsn, long issuedAt) {
		return new ConsistencyToken(SYSTEM_IDENTIFIER, 1, lsn, issuedAt);
	}

	private static MockFilterChain chain(Body body) {
		return new MockFilterChain(new HttpServlet() {
			@Override
			protected void service(HttpServletRequest request, HttpServletResponse response)
					throws ServletException, IOException {
				body.run();
			}
		});
	}

	@FunctionalInterface
	private interface Body {

		void run() throws ServletException, IOException;

	}

}
