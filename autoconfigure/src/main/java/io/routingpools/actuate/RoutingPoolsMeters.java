package io.routingpools.actuate;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.routingpools.pool.NamedPool;
import io.routingpools.pool.NamedPools;
import io.routingpools.replica.FailoverCause;
import io.routingpools.replica.ReplicaState;
import io.routingpools.replica.ReplicaStates;
import io.routingpools.routing.Route;
import org.jspecify.annotations.Nullable;

/**
 * The {@code routingpools.*} meters of replica state and failovers (DESIGN section 8),
 * read from memory whenever the registry asks:
 * <ul>
 * <li>{@value #LAG_BYTES} and {@value #LAG_SECONDS}: gauges per replica (tag
 * {@code pool}), {@code NaN} while unknown;</li>
 * <li>{@value #STATE}: a gauge per replica and {@link ReplicaState} (tags {@code pool},
 * {@code state} = {@link ReplicaState#tagValue()}), 1 for the current state and 0 for the
 * others;</li>
 * <li>{@value #FAILOVERS}: a counter per pool and {@link FailoverCause} (tags
 * {@code pool}, {@code cause} = {@link FailoverCause#tagValue()});</li>
 * <li>{@value #STANDBY_CANCELLATIONS}: a counter per replica (tag {@code pool});</li>
 * <li>{@value #ROUTES}: a counter per pool and route reason a binding can take there
 * (tags {@code pool}, {@code reason} = the reason's tag: {@code read-only},
 * {@code write}, {@code explicit}, {@code fallback}, {@code consistency}, {@code tenant},
 * {@code standby-unsupported}, {@code auto-commit-read}): logical connections bound
 * there, counted as each binding is made on its final route.</li>
 * </ul>
 * The counters read a {@link FailoverCounts}, which counts from startup whether or not a
 * registry is bound yet.
 */
public final class RoutingPoolsMeters implements MeterBinder {

	/** Replay lag in bytes. */
	public static final String LAG_BYTES = "routingpools.replica.lag.bytes";

	/** Replay lag in seconds. */
	public static final String LAG_SECONDS = "routingpools.replica.lag.seconds";

	/** 1 for a replica's current state, 0 for the others. */
	public static final String STATE = "routingpools.replica.state";

	/** Work moved off a node, or a node taken out of rotation. */
	public static final String FAILOVERS = "routingpools.failovers";

	/** Queries canceled by a hot standby's conflict with recovery. */
	public static final String STANDBY_CANCELLATIONS = "routingpools.standby.cancellations";

	/** Bindings of logical connections, by pool and reason. */
	public static final String ROUTES = "routingpools.routes";

	private final NamedPools pools;

	private final ReplicaStates states;

	private final @Nullable FailoverCounts counts;

	private final List<Route> routes;

	/**
	 * Meters over the given state.
	 * @param pools the pools
	 * @param states what the replica monitor last found
	 * @param counts the failover counts, or {@code null} when the application counts
	 * failover events its own way (then no counter is bound)
	 * @param routes every route a binding can take, with its count
	 * ({@code Router.routes()})
	 */
	public RoutingPoolsMeters(NamedPools pools, ReplicaStates states, @Nullable FailoverCounts counts,
			List<Route> routes) {
		this.pools = pools;
		this.states = states;
		this.counts = counts;
		this.routes = List.copyOf(routes);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (NamedPool replica : this.pools.replicas()) {
			bindReplica(registry, replica);
		}
		FailoverCounts counts = this.counts;
		if (counts != null) {
			bindCounts(registry, counts);
		}
		for (Route route : this.routes) {
			FunctionCounter.builder(ROUTES, route, Route::bindings)
				.description("Logical connections bound to the pool, by the reason of the route")
				.tag("pool", route.pool().name())
				.tag("reason", route.reason().tag())
				.register(registry);
		}
	}

	private void bindReplica(MeterRegistry registry, NamedPool replica) {
		gauge(LAG_BYTES, replica, (states) -> {
			Long bytes = states.status(replica).replayLagBytes();
			return (bytes != null) ? bytes : Double.NaN;
		}).description("WAL bytes written on the primary and not yet replayed on the replica")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		gauge(LAG_SECONDS, replica, (states) -> {
			Double seconds = states.status(replica).replayLagSeconds();
			return (seconds != null) ? seconds : Double.NaN;
		}).description("How long the oldest WAL not yet replayed on the replica has been on the primary")
			.baseUnit("seconds")
			.register(registry);
		for (ReplicaState state : ReplicaState.values()) {
			gauge(STATE, replica, (states) -> (states.status(replica).state() == state) ? 1 : 0)
				.description("1 for the replica's current state, 0 for the others")
				.tag("state", state.tagValue())
				.register(registry);
		}
	}

	private Gauge.Builder<ReplicaStates> gauge(String name, NamedPool replica, ToDoubleFunction<ReplicaStates> value) {
		return Gauge.builder(name, this.states, value).tag("pool", replica.name()).strongReference(true);
	}

	private void bindCounts(MeterRegistry registry, FailoverCounts counts) {
		for (NamedPool pool : this.pools.all()) {
			for (FailoverCause cause : FailoverCause.values()) {
				FunctionCounter.builder(FAILOVERS, counts, (c) -> c.failovers(pool, cause))
					.description("Work moved off a node, or a node taken out of rotation")
					.tag("pool", pool.name())
					.tag("cause", cause.tagValue())
					.register(registry);
			}
		}
		for (NamedPool replica : this.pools.replicas()) {
			FunctionCounter.builder(STANDBY_CANCELLATIONS, counts, (c) -> c.standbyCancellations(replica))
				.description("Queries on the replica canceled by a conflict with recovery (SQLSTATE 40001)")
				.tag("pool", replica.name())
				.register(registry);
		}
	}

}
