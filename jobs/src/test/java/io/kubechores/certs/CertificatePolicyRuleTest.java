package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
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

    @Test
    void caBundleMistakesAreReportedAtTheirFieldAndNeverEchoTheFile() throws Exception {
        TestFiles.copyTree(Path.of("../repo-layout/example"), repo);
        Files.copy(Path.of("src/test/resources/certs/bad-bundles/bundles.yaml"),
                repo.resolve("certificates/private-endpoints.yaml"));
        Files.createDirectories(repo.resolve("certificates/cas"));
        Files.writeString(repo.resolve("certificates/cas/not-pem.pem"), "password: hunter2\n");
        Files.writeString(repo.resolve("certificates/cas/acme-root.pem"), PkiMaker.cert("Acme Root").ca().issue().pem());
        Files.writeString(repo.getParent().resolve("outside.pem"), PkiMaker.cert("Elsewhere").ca().issue().pem());
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new CertificatePolicyRule())).load(repo, "wt", problems);
        String f = "certificates/private-endpoints.yaml:";
        assertThat(problems).extracting(Problem::toString)
                .anySatisfy(p -> assertThat(p).startsWith(f + "8:").contains("spec.caBundle.secret.cluster")
                        .contains("remove cluster"))
                .anySatisfy(p -> assertThat(p).startsWith(f + "11:").contains("is outside the repo"))
                .anySatisfy(p -> assertThat(p).startsWith(f + "13:").contains("does not exist"))
                .anySatisfy(p -> assertThat(p).startsWith(f + "15:").contains("holds no PEM certificate"))
                .anySatisfy(p -> assertThat(p).startsWith(f + "18:").contains("must name the cluster"))
                .anySatisfy(p -> assertThat(p).startsWith(f + "21:").contains("unknown cluster no-such-cluster"))
                .noneSatisfy(p -> assertThat(p).contains("grpc"))
                .noneSatisfy(p -> assertThat(p).contains("hunter2"));
        assertThat(problems).hasSize(6);
    }
}
