package io.kubechores.certs;

import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTML timeline's threshold lines: the policies that judged the findings, merged strictest-wins (issue 19). */
class ReportThresholdsTest {
    static Resource<CertificatePolicySpec> policy(String name, int warn, int crit) {
        return Resource.of(Kind.CERTIFICATE_POLICY, name, new CertificatePolicySpec(null, List.of(), null, warn, crit,
                List.of(new CertificatePolicySpec.Override("etcd", 200, 100)), List.of(), 5));
    }

    static Finding judgedBy(String policy) {
        return new Finding("k", "c", CertSource.TLS_SECRET, "ns", "n", "tls.crt#0", "CN=x", "CN=ca",
                Instant.parse("2027-01-01T00:00:00Z"), 30, Severity.OK, List.of(), "", policy, "ab");
    }

    static Stream<Arguments> cases() {
        var base = policy("base", 30, 7);
        var team = policy("team", 45, 21);
        var other = policy("other", 365, 90);
        return Stream.of(
                Arguments.of("one policy", List.of(base), List.of(judgedBy("base")), 30, 7),
                Arguments.of("merged findings name both: largest of each wins", List.of(base, team, other),
                        List.of(judgedBy("base+team")), 45, 21),
                Arguments.of("not the first policy's (the old behaviour)", List.of(base, team),
                        List.of(judgedBy("team")), 45, 21),
                Arguments.of("a policy that judged nothing takes no part", List.of(base, other),
                        List.of(judgedBy("base")), 30, 7),
                Arguments.of("failed sources name no policy: nothing judged, all policies", List.of(base, team),
                        List.of(judgedBy("")), 45, 21),
                Arguments.of("no policy at all: the defaults", List.of(), List.of(), 30, 7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void drawsTheMergedThresholds(String rule, List<Resource<CertificatePolicySpec>> policies, List<Finding> findings,
                                  int warn, int crit) {
        // per-source overrides (etcd 200/100 here) stay per source; the lines are the defaults'
        assertThat(CertsReport.reportThresholds(findings, policies)).as(rule)
                .isEqualTo(new ExpiryPolicy.Thresholds(warn, crit));
    }
}
