package io.routingpools.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small shop (products and orders) on a PostgreSQL primary and two streaming replicas.
 * Read-only transactions are served by a replica, writes by the primary, and every
 * response says which node served it. By default the cluster is embedded (see
 * {@link io.routingpools.sample.cluster.EmbeddedClusterEnvironmentPostProcessor}).
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
