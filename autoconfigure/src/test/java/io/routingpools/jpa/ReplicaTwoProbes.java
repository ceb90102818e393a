package io.routingpools.jpa;

import io.routingpools.routing.UsePool;

import org.springframework.data.jpa.repository.JpaRepository;

@UsePool("replica-2")
public interface ReplicaTwoProbes extends JpaRepository<PoolProbe, Long> {

}
