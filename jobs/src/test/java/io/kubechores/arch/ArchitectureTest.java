package io.kubechores.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** DESIGN.md §1-§2 as rules over the production classes (issue 13). */
class ArchitectureTest {
    static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        // this module's compiled main classes only (testkit's and the tests' are on the class path too)
        production = new ClassFileImporter().importPath(Path.of("target", "classes"));
    }

    /** §2: "A job package never imports another job package." */
    @Test
    void jobPackagesAreIndependent() {
        slices().matching("io.kubechores.(downscale|rightsize|quotas|certs|promote)..").namingSlices("$1")
                .should().notDependOnEachOther().check(production);
    }

    /** §1: "plan is a pure function ... No I/O, no Spring, no fabric8 types." */
    @Test
    void plannersAreFreeOfIoSpringAndFabric8() {
        ArchRule rule = noClasses().that().haveSimpleNameEndingWith("Planner")
                .or().haveSimpleName("ExpiryPolicy").or().haveSimpleName("CapacityModel")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.fabric8..",
                        "software.amazon..", "org.eclipse.jgit..", "java.net..", "java.nio.file..", "java.sql..",
                        "io.kubechores.platform..", "io.kubechores.runner..", "io.kubechores.cli..")
                .because("planners are pure functions of records and a Clock (DESIGN §1)");
        rule.check(production);
    }

    /** §1: "collect/apply live in adapters (platform/…). They are the only code that talks to clusters, git, ...". */
    @Test
    void onlyPlatformTalksToClustersGitAndClouds() {
        noClasses().that().resideInAnyPackage("io.kubechores.(downscale|rightsize|quotas|certs|promote|core|report|model)..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..",
                        "software.amazon.awssdk..", "org.eclipse.jgit.api..", "org.eclipse.jgit.transport..",
                        "java.net.http..")
                .because("only platform/ does I/O (DESIGN §1)")
                .check(production);
    }

    /**
     * No cycles among the top-level packages, and no exception: desiredstate (records, loader) → model (the records
     * jobs and their adapters exchange: model.downscale's Workload/Decision/ClusterObservation..., model.rightsize's
     * Observation...) → platform (adapters, state store) → core (the chore SPI) → jobs → runner/cli.
     */
    @Test
    void noPackageCycles() {
        slices().matching("io.kubechores.(*)..").should().beFreeOfCycles().check(production);
    }

    /** platform/ never imports a job package: adapters take and return model or desiredstate records. */
    @Test
    void platformImportsNoJobPackage() {
        noClasses().that().resideInAnyPackage("io.kubechores.platform..", "io.kubechores.model..",
                        "io.kubechores.desiredstate..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kubechores.(downscale|rightsize|quotas|certs|promote)..",
                        "io.kubechores.runner..", "io.kubechores.cli..")
                .because("the layering is desiredstate → model → platform → core → jobs → runner/cli (DESIGN §2)")
                .check(production);
    }

    /** The model is records and pure rules: no Spring, no I/O, and below core (no Action, no ChoreContext). */
    @Test
    void modelIsRecordsBelowPlatformAndCore() {
        noClasses().that().resideInAPackage("io.kubechores.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kubechores.platform..", "io.kubechores.core..",
                        "org.springframework..", "io.fabric8.kubernetes.client..", "software.amazon..",
                        "org.eclipse.jgit..", "java.net..", "java.nio.file..", "java.sql..")
                .check(production);
    }

    /** The production code never reaches test servers (they are not even on its class path). */
    @Test
    void noTestServers() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.kubechores.testkit..", "io.kubechores.demo..",
                "com.github.tomakehurst.wiremock..", "io.fabric8.mockwebserver..", "io.fabric8.kubernetes.client.server.mock..")
                .check(production);
    }
}
