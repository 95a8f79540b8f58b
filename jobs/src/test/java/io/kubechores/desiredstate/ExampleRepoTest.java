package io.kubechores.desiredstate;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped example fleet is valid and complete: it is what `demo` and many tests run on. */
class ExampleRepoTest {
    static final Path EXAMPLE = Path.of("../repo-layout/example");

    @Test
    void validatingTheExampleYieldsNoProblem() {
        java.util.List<Problem> problems = new java.util.ArrayList<>();
        DesiredState s = new DesiredStateLoader().load(EXAMPLE, "working-tree", problems);
        assertThat(problems).isEmpty();
        assertThat(s).isNotNull();
        assertThat(s.revision()).isEqualTo("working-tree");
    }

    @Test
    void exampleFleetLoadsWithoutProblems() {
        DesiredState s = new DesiredStateLoader().load(EXAMPLE, "working-tree");
        assertThat(s.fleetSpec().environments()).containsExactly("staging", "prod");
        assertThat(s.clusters()).extracting(Resource::name)
                .containsExactlyInAnyOrder("staging-eu-1", "staging-us-1", "prod-eu-1", "prod-us-1");
        assertThat(s.clusters()).extracting(c -> c.spec().aws().accountId()).containsOnly("111111111111", "222222222222");
        assertThat(s.downscalePolicies()).hasSize(1);
        assertThat(s.rightsizePolicies()).hasSize(1);
        assertThat(s.quotaPolicies()).hasSize(1);
        assertThat(s.certificatePolicies()).hasSize(1);
        assertThat(s.tools()).extracting(Resource::name)
                .containsExactlyInAnyOrder("loki", "cluster-autoscaler", "ingress-nginx");
        assertThat(s.clustersMatching(s.downscalePolicies().get(0).spec().clusters()))
                .extracting(Resource::name).containsExactlyInAnyOrder("staging-eu-1", "staging-us-1");
    }
}
