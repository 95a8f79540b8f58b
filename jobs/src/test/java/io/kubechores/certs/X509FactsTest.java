package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class X509FactsTest {
    static PkiMaker.Issued root;
    static PkiMaker.Issued intermediate;
    static PkiMaker.Issued leaf;
    static PkiMaker.Issued stranger;

    @BeforeAll
    static void pki() {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2028-01-01T00:00:00Z");
        root = PkiMaker.cert("Root").ca().keys(PkiMaker.ec()).valid(from, to).issue();
        intermediate = PkiMaker.cert("Intermediate").ca().issuer(root).keys(PkiMaker.ec()).valid(from, to).issue();
        leaf = PkiMaker.cert("leaf.example").issuer(intermediate).keys(PkiMaker.ec()).dns("leaf.example", "*.leaf.example")
                .ip("10.0.0.1").valid(from, to).issue();
        stranger = PkiMaker.cert("Intermediate").ca().keys(PkiMaker.ec()).valid(from, to).issue(); // same name, other key
    }

    @Test
    void parsesEveryBlockOfABundleAndReportsBrokenOnes() {
        List<String> broken = new ArrayList<>();
        String bundle = "# comment\n" + leaf.pem() + "junk\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                + intermediate.pem() + root.pem();
        List<X509Certificate> certs = X509Facts.parsePem(bundle, broken);
        assertThat(certs).containsExactly(leaf.cert(), intermediate.cert(), root.cert());
        assertThat(broken).hasSize(1).first().asString().startsWith("block #1");
    }

    @Test
    void observesTheFactsThePolicyNeeds() {
        ObservedCert o = X509Facts.observe(leaf.cert(), "c", CertSource.TLS_SECRET, "ns", "n", "tls.crt#0");
        assertThat(o.subject()).isEqualTo("CN=leaf.example");
        assertThat(o.issuer()).isEqualTo("CN=Intermediate");
        assertThat(o.ca()).isFalse();
        assertThat(o.keyAlgorithm()).isEqualTo("EC");
        assertThat(o.keyBits()).isEqualTo(256);
        assertThat(o.signatureAlgorithm()).isEqualTo("SHA256withECDSA");
        assertThat(o.sans()).containsExactly("leaf.example", "*.leaf.example", "10.0.0.1");
        assertThat(o.authorityKeyId()).isEqualTo(X509Facts.observe(intermediate.cert(), "c", CertSource.TLS_SECRET,
                "ns", "n", "x").subjectKeyId());
        assertThat(X509Facts.observe(root.cert(), "c", CertSource.CONFIGMAP, "", "n", "x").selfSigned()).isTrue();
    }

    @Test
    void chainChecks() {
        var chain = List.of(leaf.cert(), intermediate.cert());
        assertThat(X509Facts.chainProblem(chain, List.of(root.cert()), true)).isNull();
        assertThat(X509Facts.chainProblem(chain, List.of(), false)).as("no anchor known: links only").isNull();
        assertThat(X509Facts.chainProblem(chain, List.of(), true)).contains("is not trusted");
        assertThat(X509Facts.chainProblem(List.of(leaf.cert(), root.cert()), List.of(), false))
                .contains("is not issued by #1");
        assertThat(X509Facts.chainProblem(List.of(leaf.cert(), stranger.cert()), List.of(), false))
                .contains("does not verify");
        assertThat(X509Facts.chainProblem(List.of(intermediate.cert()), List.of(stranger.cert()), false))
                .contains("is not trusted");
        assertThat(X509Facts.chainProblem(List.of(root.cert()), List.of(root.cert()), true)).isNull();
    }
}
