package io.routingpools.consistency;

/**
 * How {@link ConsistencyTokenFilter} hands a web client the token of its writes. Either
 * form is read on the way in, whichever is chosen here.
 */
public enum TokenPropagation {

	/**
	 * The {@value ConsistencyTokenFilter#COOKIE_NAME} cookie: HttpOnly, SameSite=Lax,
	 * Max-Age {@code token-max-age}, on the application's context path, Secure on secure
	 * requests. Browsers send it back without any code of the client's.
	 */
	COOKIE,

	/**
	 * The {@value ConsistencyTokenFilter#HEADER_NAME} response header, which the client
	 * sends back as a request header (a browser script calling another origin needs it
	 * listed in {@code Access-Control-Expose-Headers}).
	 */
	HEADER

}
