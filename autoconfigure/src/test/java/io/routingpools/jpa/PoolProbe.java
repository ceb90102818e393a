package io.routingpools.jpa;

import io.routingpools.test.ServedBy;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.Subselect;

/**
 * A row that says which server and pool read it: what {@link ServedBy} asks, as an
 * entity, so that a repository's own methods tell where they ran.
 */
@Entity
@Immutable
@Subselect("select 1 as id, current_setting('cluster_name') as node, pg_is_in_recovery() as in_recovery,"
		+ " current_setting('application_name') as pool")
public class PoolProbe {

	/** The id of the one row. */
	public static final long ID = 1;

	@Id
	private Long id;

	private String node;

	private boolean inRecovery;

	private String pool;

	protected PoolProbe() {
	}

	public ServedBy servedBy() {
		return new ServedBy(this.node, this.inRecovery, this.pool);
	}

}
