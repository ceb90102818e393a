package io.routingpools.jpa;

import io.routingpools.embedded.EmbeddedClusterExtension;
import io.routingpools.test.ClusterProperties;
import io.routingpools.test.ServedBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.repository.CrudRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @UsePool} on Spring Data JPA repository interfaces. Every repository's proxy
 * calls the same {@code SimpleJpaRepository} class, which carries no {@code @UsePool}:
 * the annotation is found on the interface. Without it, these reads would run on a
 * replica chosen by the load balancer.
 */
@SpringBootTest(classes = JpaApplication.class)
@ExtendWith(EmbeddedClusterExtension.class)
class UsePoolOnRepositoriesOnClusterTests {

	@Autowired
	private ReplicaTwoProbes replicaTwoProbes;

	@Autowired
	private AdminProbes adminProbes;

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ClusterProperties.register(registry, EmbeddedClusterExtension.sharedCluster(), "spring.flyway.enabled=false",
				"spring.liquibase.enabled=false");
	}

	@Test
	void classLevelAnnotationOnARepositoryInterfaceRoutesTheMethodsItInherits() {
		ServedBy servedBy = servedBy(this.replicaTwoProbes);
		assertThat(servedBy.pool()).isEqualTo("replica-2");
		assertThat(servedBy.node()).isEqualTo("replica-2");
	}

	@Test
	void methodLevelAnnotationOnAMethodRedeclaredInARepositoryInterfaceOverridesItsClassLevelOne() {
		assertThat(this.adminProbes.findAll()).singleElement()
			.extracting(PoolProbe::servedBy)
			.extracting(ServedBy::pool)
			.isEqualTo("primary");
		assertThat(servedBy(this.adminProbes).pool()).isEqualTo("admin");
	}

	@Test
	void repositoriesSharingSimpleJpaRepositoryEachUseTheirOwnPool() {
		assertThat(servedBy(this.replicaTwoProbes).pool()).isEqualTo("replica-2");
		assertThat(servedBy(this.adminProbes).pool()).isEqualTo("admin");
		assertThat(servedBy(this.replicaTwoProbes).pool()).isEqualTo("replica-2");
	}

	private static ServedBy servedBy(CrudRepository<PoolProbe, Long> probes) {
		return probes.findById(PoolProbe.ID).orElseThrow().servedBy();
	}

}
