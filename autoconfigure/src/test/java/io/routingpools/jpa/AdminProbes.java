package io.routingpools.jpa;

import java.util.List;

import io.routingpools.routing.UsePool;

import org.springframework.data.jpa.repository.JpaRepository;

@UsePool("admin")
public interface AdminProbes extends JpaRepository<PoolProbe, Long> {

	@Override
	@UsePool("primary")
	List<PoolProbe> findAll();

}
