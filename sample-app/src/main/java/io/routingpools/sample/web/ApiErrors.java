package io.routingpools.sample.web;

import io.routingpools.sample.order.InsufficientStockException;
import io.routingpools.sample.order.OrderNotFoundException;
import io.routingpools.sample.product.ProductNotFoundException;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the application's exceptions into RFC 9457 problem details.
 */
@RestControllerAdvice
public class ApiErrors {

	@ExceptionHandler({ ProductNotFoundException.class, OrderNotFoundException.class })
	ProblemDetail notFound(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler(InsufficientStockException.class)
	ProblemDetail insufficientStock(InsufficientStockException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	/**
	 * A request body that is not JSON, or that a request record refused (its message says
	 * why).
	 */
	@ExceptionHandler(HttpMessageNotReadableException.class)
	ProblemDetail unreadableBody(HttpMessageNotReadableException ex) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		String detail = (cause instanceof IllegalArgumentException) ? cause.getMessage() : "Unreadable request body";
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
	}

}
