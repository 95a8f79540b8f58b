package io.kubechores.certs;

import io.kubechores.testing.TestFiles;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CertificatePolicyRuleTest {
    @TempDir
    Path repo;

    @Test
    void theExamplePolicyIsFine() {
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new CertificatePolicyRule())).load(Path.of("../repo-layout/example"), "wt",
                problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyMistakeIsReportedAtItsFileLineAndColumn() throws Exception {
        Path example = Path.of("../repo-layout/example");
        TestFiles.copyTree(example, repo);
        Files.copy(Path.of("src/test/resources/certs/bad-policy/cluster-certs.yaml"),
                repo.resolve("certificates/cluster-certs.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new CertificatePolicyRule())).load(repo, "wt", problems);
        assertThat(problems).extracting(Problem::toString).anySatisfy(p -> assertThat(p)
                        .startsWith("certificates/cluster-certs.yaml:12:").contains("criticalDays 14 is above warningDays 10"))
                .anySatisfy(p -> assertThat(p).startsWith("certificates/cluster-certs.yaml:14:")
                        .contains("for etcd criticalDays 90 is above warningDays 60"))
                .anySatisfy(p -> assertThat(p).startsWith("certificates/cluster-certs.yaml:17:")
                        .contains("second override for source etcd"))
                .anySatisfy(p -> assertThat(p).startsWith("certificates/cluster-certs.yaml:20:")
                        .contains("needs at least one of"))
                .anySatisfy(p -> assertThat(p).startsWith("certificates/cluster-certs.yaml:9:")
                        .contains("api.acme.example:443 is listed twice"));
    }
}
