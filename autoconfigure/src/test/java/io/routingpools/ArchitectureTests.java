package io.routingpools;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The shape of the code (DESIGN section 11): features do not know Spring Boot, only the
 * {@code autoconfigure} package wires them into it.
 */
class ArchitectureTests {

	// Packages still to come match nothing until they exist. The rule as a whole must
	// match classes (ArchUnit fails an empty rule), so a broken import cannot pass.
	private static final String[] FEATURE_PACKAGES = { "io.routingpools.routing..", "io.routingpools.pool..",
			"io.routingpools.replica..", "io.routingpools.consistency..", "io.routingpools.tenant..",
			"io.routingpools.actuate.." };

	// Main classes only: tests of a feature may well use Spring Boot.
	private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.routingpools");

	@Test
	void featuresDependNeitherOnSpringBootNorOnTheWiring() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage(FEATURE_PACKAGES)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot..", "io.routingpools.autoconfigure..")
			.because("only io.routingpools.autoconfigure knows Spring Boot (DESIGN section 11)");
		rule.check(MAIN_CLASSES);
	}

}
