package io.routingpools.jpa;

import io.routingpools.routing.UsePool;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * JPA work at the transaction boundaries that routing must respect: read-only work
 * without a transaction, and a helper naming another pool inside a write transaction.
 */
@Service
public class Catalogue {

	@PersistenceContext
	private EntityManager entityManager;

	private final AdminLookup adminLookup;

	Catalogue(AdminLookup adminLookup) {
		this.adminLookup = adminLookup;
	}

	/**
	 * The pool that serves a query of read-only work declared without a transaction.
	 * @return the session's {@code application_name}
	 */
	@Transactional(readOnly = true, propagation = Propagation.SUPPORTS)
	public String poolOfReadOnlyWorkWithoutTransaction() {
		return poolName(this.entityManager);
	}

	/**
	 * A write transaction whose first statement comes from a helper on the admin pool.
	 * @param body the note to save after the lookup
	 */
	@Transactional
	public void saveAfterAdminLookup(String body) {
		this.adminLookup.poolName();
		this.entityManager.persist(new Note(body));
		this.entityManager.flush();
	}

	static String poolName(EntityManager entityManager) {
		return (String) entityManager.createNativeQuery("select current_setting('application_name')").getSingleResult();
	}

	@Service
	@UsePool("admin")
	public static class AdminLookup {

		@PersistenceContext
		private EntityManager entityManager;

		public String poolName() {
			return Catalogue.poolName(this.entityManager);
		}

	}

}
