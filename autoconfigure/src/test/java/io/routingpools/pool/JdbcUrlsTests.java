package io.routingpools.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTests {

	@Test
	void masksPasswordParameters() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app?user=app&password=hunter2&sslpassword=k3y&ssl=true"))
			.isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=******&sslpassword=******&ssl=true");
	}

	@Test
	void masksThePasswordOfTheUserInformation() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://app:hunter2@db:5432/app"))
			.isEqualTo("jdbc:postgresql://app:******@db:5432/app");
	}

	@Test
	void leavesUrlsWithoutSecretsAlone() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app")).isEqualTo("jdbc:postgresql://db:5432/app");
	}

	@Test
	void tellsMultiHostUrls() {
		assertThat(JdbcUrls.hasSeveralHosts("jdbc:postgresql://a:5432,b:5432/app?targetServerType=primary")).isTrue();
		assertThat(JdbcUrls.hasSeveralHosts("jdbc:postgresql://a:5432/app?options=x,y")).isFalse();
	}

}
