package io.kubechores.certs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One alert for an unreachable node network, one per node for a few unanswered kubelets. */
class KubeletErrorsTest {
    @ParameterizedTest(name = "{1} of {0} nodes fail → {2} read error(s)")
    @CsvSource({
            "150, 150, 1",   // the job cannot reach the nodes at all
            "150, 80, 1",    // most of them
            "150, 74, 74",   // half or fewer: nodes of their own
            "3, 3, 3",       // a small cluster: each node named
            "10, 4, 4",      // under half
            "10, 6, 1",
            "10, 0, 0",
    })
    void summarizesWhenMostKubeletsFail(int nodes, int failed, int expectedErrors) {
        List<String> problems = new ArrayList<>();
        List<SourceError> errors = new ArrayList<>();
        for (int i = 0; i < failed; i++) {
            problems.add("prod kubelet ip-10-0-0-" + i + " 10.0.0." + i + ":10250: no TLS answer within 5 s");
            errors.add(new SourceError("prod", "kubelet", "ip-10-0-0-" + i + " 10.0.0." + i + ":10250",
                    "no TLS answer within 5 s"));
        }
        KubeletErrors.Summary s = KubeletErrors.summarize("prod", nodes, problems, errors);
        assertThat(s.errors()).hasSize(expectedErrors);
        assertThat(s.problems()).hasSize(expectedErrors);
        if (expectedErrors == 1 && failed > 1) {
            assertThat(s.errors().getFirst().message()).startsWith(failed + " of " + nodes + " kubelets did not answer")
                    .contains("first: ip-10-0-0-0 10.0.0.0:10250: no TLS answer within 5 s");
            assertThat(s.errors().getFirst().asFinding().key()).isEqualTo("prod|scan|kubelet||");
        }
    }
}
