package io.routingpools.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@value TenantRows#TABLE}, for the JPA case of the row-level-security tests.
 */
@Entity
@Table(name = TenantRows.TABLE)
public class TenantOrder {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(name = "tenant_id")
	private String tenantId;

	private String item;

	protected TenantOrder() {
		this("", "");
	}

	TenantOrder(String tenantId, String item) {
		this.tenantId = tenantId;
		this.item = item;
	}

	String tenantId() {
		return this.tenantId;
	}

}
