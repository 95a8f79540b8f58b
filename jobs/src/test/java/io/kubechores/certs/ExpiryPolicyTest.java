package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;

import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.CertificatePolicySpec.Exclusion;
import io.kubechores.desiredstate.CertificatePolicySpec.Override;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The expiry policy as a table: certificates made in the test with known dates, judged at a fixed clock. */
class ExpiryPolicyTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static CertificatePolicySpec policy(Integer warn, Integer crit, List<Override> overrides, List<Exclusion> excl) {
        return new CertificatePolicySpec(null, null, null, warn, crit, overrides, excl, null);
    }

    static ObservedCert observed(X509Certificate c, CertSource source, String ns, String name) {
        return X509Facts.observe(c, "prod-eu-1", source, ns, name, "tls.crt#0");
    }

    static ObservedCert leafExpiringIn(Duration left, CertSource source) {
        var c = PkiMaker.cert("leaf.example").valid(NOW.minus(Duration.ofDays(300)), NOW.plus(left)).issue();
        return observed(c.cert(), source, "shop", "web-tls");
    }

    static Finding only(CertificatePolicySpec p, ObservedCert c) {
        CertPlan plan = ExpiryPolicy.plan("p", p, new CertInventory(List.of(c), List.of(), List.of()), CLOCK);
        assertThat(plan.findings()).hasSize(1);
        return plan.findings().getFirst();
    }

    @ParameterizedTest(name = "{0} left, {1}/{2} d thresholds, source {3} -> {4}")
    @CsvSource(nullValues = "null", textBlock = """
            # left       warn  crit  source        expected
            PT-1S,       null, null, tls-secret,   EXPIRED
            PT-72H,      null, null, tls-secret,   EXPIRED
            PT0S,        null, null, tls-secret,   CRITICAL
            PT72H,       null, null, tls-secret,   CRITICAL
            PT168H,      null, null, tls-secret,   CRITICAL
            PT168H1S,    null, null, tls-secret,   WARNING
            PT480H,      null, null, tls-secret,   WARNING
            PT720H,      null, null, tls-secret,   WARNING
            PT720H1S,    null, null, tls-secret,   OK
            PT4800H,     null, null, tls-secret,   OK
            PT480H,      10,   3,    tls-secret,   OK
            PT240H,      10,   3,    tls-secret,   WARNING
            PT48H,       10,   3,    tls-secret,   CRITICAL
            """)
    void expiryThresholds(Duration left, Integer warn, Integer crit, String source, Severity expected) {
        Finding f = only(policy(warn, crit, null, null), leafExpiringIn(left, CertSource.ofId(source)));
        assertThat(f.severity()).isEqualTo(expected);
        assertThat(f.flags()).isEmpty();
    }

    @ParameterizedTest(name = "override {0} w={1} c={2}: {3} left at source {4} -> {5}")
    @CsvSource(nullValues = "null", textBlock = """
            tls-endpoint, 21,   null, PT600H, tls-endpoint, OK
            tls-endpoint, 21,   null, PT600H, tls-secret,   WARNING
            tls-endpoint, 21,   null, PT200H, tls-endpoint, WARNING
            etcd,         90,   30,   PT1200H, etcd,        WARNING
            etcd,         90,   30,   PT600H, etcd,         CRITICAL
            etcd,         90,   30,   PT1200H, kubeconfig,  OK
            kubeconfig,   null, 14,   PT300H, kubeconfig,   CRITICAL
            kubeconfig,   null, 14,   PT300H, webhook,      WARNING
            """)
    void perSourceOverrides(String oSource, Integer oWarn, Integer oCrit, Duration left, String source,
                            Severity expected) {
        var p = policy(null, null, List.of(new Override(oSource, oWarn, oCrit)), null);
        assertThat(only(p, leafExpiringIn(left, CertSource.ofId(source))).severity()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "exclusion cluster={0} ns={1} name={2} subject={3} -> excluded {4}")
    @CsvSource(nullValues = "null", textBlock = """
            null,      sandbox, null,    null,         false
            null,      shop,    null,    null,         true
            prod-eu-1, shop,    null,    null,         true
            prod-us-1, shop,    null,    null,         false
            null,      null,    web-tls, null,         true
            null,      null,    other,   null,         false
            null,      null,    null,    leaf.example, true
            null,      shop,    null,    nomatch,      false
            null,      null,    null,    null,         false
            """)
    void exclusions(String cluster, String ns, String name, String subject, boolean excluded) {
        var p = policy(null, null, null, List.of(new Exclusion(cluster, ns, name, subject)));
        CertPlan plan = ExpiryPolicy.plan("p", p,
                new CertInventory(List.of(leafExpiringIn(Duration.ofDays(3), CertSource.TLS_SECRET)), List.of(),
                        List.of()), CLOCK);
        assertThat(plan.excluded()).isEqualTo(excluded ? 1 : 0);
        assertThat(plan.findings()).hasSize(excluded ? 0 : 1);
    }

    @Test
    void weakRsaAndSha1AreFlaggedEvenFarFromExpiry() {
        var ca = PkiMaker.cert("Old CA").ca().valid(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3650)))
                .issue();
        var weak = PkiMaker.cert("weak.example").issuer(ca).rsaBits(1024)
                .valid(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(365))).issue();
        var sha1 = PkiMaker.cert("sha1.example").issuer(ca).signature("SHA1withRSA")
                .valid(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(365))).issue();
        var p = policy(null, null, null, null);
        Finding fw = only(p, observed(weak.cert(), CertSource.TLS_SECRET, "a", "weak"));
        Finding fs = only(p, observed(sha1.cert(), CertSource.TLS_SECRET, "a", "sha1"));
        assertThat(fw.flags()).extracting(Flag::code).containsExactly(Flag.Code.WEAK_RSA_KEY);
        assertThat(fw.severity()).isEqualTo(Severity.WARNING);
        assertThat(fw.reason()).contains("RSA 1024 bits");
        assertThat(fs.flags()).extracting(Flag::code).containsExactly(Flag.Code.SHA1_SIGNATURE);
        assertThat(fs.severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void notYetValidIsCritical() {
        var c = PkiMaker.cert("future.example").valid(NOW.plus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(400)))
                .issue();
        Finding f = only(policy(null, null, null, null), observed(c.cert(), CertSource.TLS_SECRET, "a", "future"));
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.flags()).extracting(Flag::code).containsExactly(Flag.Code.NOT_YET_VALID);
    }

    @Test
    void caAndItsLeavesExpiringTheSameWeekAreFlaggedButNotALeafAYearEarlier() {
        Instant caEnd = NOW.plus(Duration.ofDays(400));
        var ca = PkiMaker.cert("cluster CA").ca().valid(NOW.minus(Duration.ofDays(1000)), caEnd).issue();
        var apiserver = PkiMaker.cert("kube-apiserver").issuer(ca)
                .valid(NOW.minus(Duration.ofDays(10)), caEnd.minus(Duration.ofDays(2))).issue();
        var etcd = PkiMaker.cert("etcd-server").issuer(ca)
                .valid(NOW.minus(Duration.ofDays(10)), caEnd.minus(Duration.ofDays(6))).issue();
        var early = PkiMaker.cert("front-proxy").issuer(ca)
                .valid(NOW.minus(Duration.ofDays(10)), caEnd.minus(Duration.ofDays(365))).issue();
        var inv = new CertInventory(List.of(
                observed(ca.cert(), CertSource.KUBECONFIG, "", "kubeconfig"),
                observed(apiserver.cert(), CertSource.APISERVER, "", "127.0.0.1:6443"),
                observed(etcd.cert(), CertSource.ETCD, "", "127.0.0.1:2379"),
                observed(early.cert(), CertSource.TLS_SECRET, "kube-system", "front-proxy")), List.of(), List.of());
        CertPlan plan = ExpiryPolicy.plan("p", policy(null, null, null, null), inv, CLOCK);
        assertThat(plan.findings()).filteredOn(f -> f.flagCodes().contains("CA_AND_LEAVES_SAME_WEEK"))
                .extracting(Finding::subject)
                .containsExactlyInAnyOrder("CN=cluster CA", "CN=kube-apiserver", "CN=etcd-server");
        Finding caFinding = plan.findings().stream().filter(f -> f.subject().equals("CN=cluster CA")).findFirst()
                .orElseThrow();
        assertThat(caFinding.flags().getFirst().detail()).startsWith("2 certificates it issued");
        assertThat(caFinding.severity()).isEqualTo(Severity.WARNING);
        // sorted by expiry: the early leaf first
        assertThat(plan.findings().getFirst().subject()).isEqualTo("CN=front-proxy");
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(textBlock = """
            api.acme.example,     api.acme.example,   true
            API.acme.example,     api.acme.example,   true
            api.acme.example,     *.acme.example,     true
            a.b.acme.example,     *.acme.example,     false
            acme.example,         *.acme.example,     false
            api.acme.example,     www.acme.example,   false
            127.0.0.1,            127.0.0.1,          true
            127.0.0.1,            localhost,          false
            """)
    void hostnameMatching(String host, String san, boolean matches) {
        assertThat(ExpiryPolicy.hostnameMatches(host, List.of(san))).isEqualTo(matches);
    }

    @Test
    void hostnameMismatchAndChainProblemOnEndpointsAreCritical() {
        var c = PkiMaker.cert("www.acme.example").dns("www.acme.example")
                .valid(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300))).issue();
        ObservedCert o = X509Facts.observe(c.cert(), "-", CertSource.TLS_ENDPOINT, "", "api.acme.example:443",
                "chain#0").withExpectedHost("api.acme.example").withChainProblem("issuer CN=x is not trusted");
        Finding f = only(policy(null, null, null, null), o);
        assertThat(f.flags()).extracting(Flag::code)
                .containsExactly(Flag.Code.CHAIN_NOT_VERIFYING, Flag.Code.HOSTNAME_MISMATCH);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    }

    @ParameterizedTest(name = "cert-manager notAfter+{0}d ready={1} renewal {2}h ago -> {3} {4}")
    @CsvSource(nullValues = "null", textBlock = """
            200,  true,  null, OK,       ''
            20,   true,  null, WARNING,  ''
            200,  false, -5,   WARNING,  CERT_MANAGER_NOT_READY
            20,   false, 5,    CRITICAL, CERT_MANAGER_NOT_READY+RENEWAL_OVERDUE
            -1,   true,  null, EXPIRED,  ''
            null, false, null, WARNING,  CERT_MANAGER_NOT_READY
            """)
    void certManager(Integer daysLeft, boolean ready, Integer renewalHoursAgo, Severity expected, String flags) {
        var m = new CertManagerCert("prod-eu-1", "shop", "web", "web-tls",
                daysLeft == null ? null : NOW.plus(Duration.ofDays(daysLeft)),
                renewalHoursAgo == null ? null : NOW.minus(Duration.ofHours(renewalHoursAgo)), ready,
                ready ? null : "Issuing: ACME challenge failed");
        CertPlan plan = ExpiryPolicy.plan("p", policy(null, null, null, null),
                new CertInventory(List.of(), List.of(m), List.of()), CLOCK);
        Finding f = plan.findings().getFirst();
        assertThat(f.severity()).isEqualTo(expected);
        assertThat(f.flagCodes().replace(',', '+')).isEqualTo(flags);
    }
}
