/**
 * Tenants (DESIGN section 7): which tenant work runs for ({@link TenantScope}, a
 * {@link TenantResolver} per web request), how many connections each may hold at once on
 * the shared pools ({@link Tenants}, {@link Tenant}), the tenant's own pool when it has a
 * dedicated database, and the session variable that row-level security policies read
 * ({@link TenantSessionVariable}).
 */
@NullMarked
package io.routingpools.tenant;

import org.jspecify.annotations.NullMarked;
