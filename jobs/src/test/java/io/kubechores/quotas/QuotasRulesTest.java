package io.kubechores.quotas;

import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** QuotaPolicy semantic rules name file:line:column of the offending field. */
class QuotasRulesTest {
    @TempDir
    Path repo;

    @Test
    void namesQuotasThatCanNeverApplyAndConflictingValues() throws Exception {
        FileSystemUtils.copyRecursively(Path.of("../repo-layout/example"), repo);
        Files.copy(Path.of(Objects.requireNonNull(getClass().getResource("/quotas/bad-quota-policy.yaml")).toURI()),
                repo.resolve("quotas/bad.yaml"));
        List<Problem> problems = new ArrayList<>();

        new DesiredStateLoader(List.of(new QuotasRules())).load(repo, "working-tree", problems);

        assertThat(problems).extracting(Problem::toString).containsExactly(
                "quotas/bad.yaml:13:18: spec.quotas[0].accountId: quota ec2/L-0263D0A3 matches no account/region in this"
                        + " policy's scope [111111111111/eu-central-1, 111111111111/us-east-1]: it would never be requested",
                "quotas/bad.yaml:18:15: spec.quotas[1].region: quota ec2/L-0263D0A3 matches no account/region in this"
                        + " policy's scope [111111111111/eu-central-1, 111111111111/us-east-1]: it would never be requested",
                "quotas/bad.yaml:24:14: spec.quotas[3].value: quota elasticloadbalancing/L-53DA6B97 is already wanted"
                        + " with value 60 in spec.quotas[2] for the same account/region");
    }

    /** Real instance type names: metal-NNxl sizes, dashes in the family (c7i-flex, u7i-12tb). */
    @Test
    void realInstanceTypeNamesValidateAndConflictingVcpusAreNamed() throws Exception {
        FileSystemUtils.copyRecursively(Path.of("../repo-layout/example"), repo);
        Path cluster = repo.resolve("clusters/prod-us-1.yaml");
        Files.writeString(cluster, Files.readString(cluster).replace("instanceTypes: [m6i.2xlarge]",
                "instanceTypes: [m7i.metal-24xl, c7i-flex.4xlarge, u7i-12tb.224xlarge, m8g.48xlarge]"));
        Files.writeString(repo.resolve("quotas/types.yaml"), """
                apiVersion: kubechores.io/v1alpha1
                kind: QuotaPolicy
                metadata:
                  name: types
                spec:
                  reaskAfterDays: 14
                  instanceTypes:
                    - { name: c7i-flex.4xlarge, vcpus: 16 }
                    - { name: m8g.48xlarge, vcpus: 192 }
                    - { name: m8g.48xlarge, vcpus: 96 }
                """);
        List<Problem> problems = new ArrayList<>();

        new DesiredStateLoader(List.of(new QuotasRules())).load(repo, "working-tree", problems);

        assertThat(problems).extracting(Problem::toString).containsExactly(
                "quotas/types.yaml:10:36: spec.instanceTypes[2].vcpus: instance type m8g.48xlarge already has 192 vCPUs"
                        + " in QuotaPolicy types spec.instanceTypes[1]");
    }

    @Test
    void badInstanceTypeNamesAreStillRejected() throws Exception {
        FileSystemUtils.copyRecursively(Path.of("../repo-layout/example"), repo);
        Path cluster = repo.resolve("clusters/prod-us-1.yaml");
        Files.writeString(cluster, Files.readString(cluster).replace("instanceTypes: [m6i.2xlarge]",
                "instanceTypes: [M6I.2XLARGE, m6i.]"));
        List<Problem> problems = new ArrayList<>();

        new DesiredStateLoader(List.of(new QuotasRules())).load(repo, "working-tree", problems);

        assertThat(problems).extracting(Problem::field).containsExactlyInAnyOrder(
                "spec.nodePools[0].instanceTypes[0]", "spec.nodePools[0].instanceTypes[1]");
    }

    /** A Karpenter pool (cpuLimit) may name families and categories, as its requirements do, and needs no maxSize. */
    @Test
    void aKarpenterPoolInTheRepoLoadsWithFamiliesAndCapacityTypes() throws Exception {
        FileSystemUtils.copyRecursively(Path.of("../repo-layout/example"), repo);
        Path cluster = repo.resolve("clusters/prod-us-1.yaml");
        Files.writeString(cluster, Files.readString(cluster).replace("  nodePools:\n", """
                  nodePools:
                    - name: karpenter-default
                      instanceTypes: [m6i, c, hpc7a.96xlarge]
                      capacityTypes: [spot, on-demand]
                      cpuLimit: 1000
                    - name: managed
                      instanceTypes: [m6i.2xlarge]
                      maxSize: 10
                      availabilityZones: 3
                      updateConfig: {maxUnavailablePercentage: 25}
                """));
        List<Problem> problems = new ArrayList<>();

        var state = new DesiredStateLoader(List.of(new QuotasRules())).load(repo, "working-tree", problems);

        assertThat(problems).isEmpty();
        var pools = state.clusters().stream().filter(c -> c.name().equals("prod-us-1")).findFirst().orElseThrow()
                .spec().nodePools();
        assertThat(pools.getFirst().cpuLimit()).isEqualTo(1000);
        assertThat(pools.getFirst().capacityTypes()).containsExactly("spot", "on-demand");
        assertThat(pools.get(1).updateConfig().maxUnavailablePercentage()).isEqualTo(25);
        assertThat(pools.get(1).availabilityZones()).isEqualTo(3);
    }

    @Test
    void exampleFleetPassesTheRules() {
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new QuotasRules())).load(Path.of("../repo-layout/example"), "working-tree", problems);
        assertThat(problems).isEmpty();
    }
}
