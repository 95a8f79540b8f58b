package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.CertificatePolicySpec.Exclusion;
import io.kubechores.desiredstate.CertificatePolicySpec.Override;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several CertificatePolicies selecting one cluster: before, only the first (by name) applied, so a team's stricter
 * policy was silently ignored. Now they merge, strictest wins: per source the largest warningDays and largest
 * criticalDays (each policy's override for that source, else its defaults), and a certificate is excluded only when
 * every policy excludes it.
 */
class PolicyMergeTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    /** "w/c" or "w/c;source=w/c" (overrides), "-" for a policy that is absent. */
    static CertificatePolicySpec policy(String text) {
        String[] parts = text.split(";");
        String[] d = parts[0].split("/");
        List<Override> overrides = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String[] o = parts[i].split("=");
            String[] t = o[1].split("/");
            overrides.add(new Override(o[0], t[0].equals("_") ? null : Integer.valueOf(t[0]),
                    t[1].equals("_") ? null : Integer.valueOf(t[1])));
        }
        return new CertificatePolicySpec(null, null, null, Integer.valueOf(d[0]), Integer.valueOf(d[1]), overrides,
                null, null);
    }

    @ParameterizedTest(name = "{0}: [{1}] + [{2}] for {3} → {4}/{5}")
    @CsvSource(delimiter = '|', value = {
            "one policy is itself            | 30/7               | -                  | tls-secret | 30 | 7",
            "larger warning wins             | 30/7               | 60/7               | tls-secret | 60 | 7",
            "larger critical wins            | 30/7               | 30/14              | tls-secret | 30 | 14",
            "each field on its own           | 60/7               | 30/14              | tls-secret | 60 | 14",
            "order does not matter           | 30/14              | 60/7               | tls-secret | 60 | 14",
            "an override is stricter         | 30/7;etcd=120/30   | 45/7               | etcd       | 120 | 30",
            "the override is per source      | 30/7;etcd=120/30   | 45/7               | tls-secret | 45 | 7",
            "a lax override loses to defaults| 30/7;etcd=10/3     | 30/7               | etcd       | 30 | 7",
            "partial override falls back     | 30/7;etcd=_/21     | 40/7               | etcd       | 40 | 21",
            "both override the same source   | 30/7;webhook=60/7  | 30/7;webhook=20/14 | webhook    | 60 | 14",
    })
    void strictestThresholdWinsPerSource(String why, String a, String b, String source, int warn, int crit) {
        List<CertificatePolicySpec> ps = b.equals("-") ? List.of(policy(a)) : List.of(policy(a), policy(b));
        var t = ExpiryPolicy.thresholds(ExpiryPolicy.merge(ps), CertSource.ofId(source));
        assertThat(t).as(why).isEqualTo(new ExpiryPolicy.Thresholds(warn, crit));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "excluded by the only policy          | sandbox | -       | true",
            "excluded by one of two: still shown  | sandbox | -none-  | false",
            "excluded by both                     | sandbox | sandbox | true",
            "excluded by neither                  | -none-  | -none-  | false",
    })
    void aCertificateIsExcludedOnlyWhenEveryPolicyExcludesIt(String why, String a, String b, boolean excluded) {
        List<CertificatePolicySpec> ps = new ArrayList<>();
        ps.add(excluding(a));
        if (!b.equals("-")) ps.add(excluding(b));
        assertThat(ExpiryPolicy.excludedByAll(ps, "c1", "sandbox", "x-tls", "CN=x")).as(why).isEqualTo(excluded);
    }

    static CertificatePolicySpec excluding(String ns) {
        return new CertificatePolicySpec(null, null, null, 30, 7, null,
                List.of(new Exclusion(null, ns, null, null)), null);
    }

    @Test
    void theMergedPlanJudgesWithTheStricterPolicy() {
        var cert = X509Facts.observe(PkiMaker.cert("web").valid(NOW.minus(Duration.ofDays(10)),
                NOW.plus(Duration.ofDays(50))).issue().cert(), "c1", CertSource.TLS_SECRET, "shop", "web-tls",
                "tls.crt#0");
        var inv = new CertInventory(List.of(cert), List.of(), List.of());
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        var base = policy("30/7");
        var team = policy("60/14");
        assertThat(ExpiryPolicy.plan("base", base, inv, clock).findings().getFirst().severity())
                .isEqualTo(Severity.OK);
        Finding merged = ExpiryPolicy.plan("base+team", List.of(base, team), inv, clock).findings().getFirst();
        assertThat(merged.severity()).isEqualTo(Severity.WARNING);
        assertThat(merged.reason()).contains("warning ≤ 60 d");
        assertThat(merged.policy()).isEqualTo("base+team");
    }
}
