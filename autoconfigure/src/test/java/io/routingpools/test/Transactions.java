package io.routingpools.test;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transaction templates as the tests use them.
 */
public final class Transactions {

	private Transactions() {
	}

	public static TransactionTemplate readOnly(PlatformTransactionManager transactionManager) {
		TransactionTemplate template = new TransactionTemplate(transactionManager);
		template.setReadOnly(true);
		return template;
	}

}
