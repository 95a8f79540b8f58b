package io.kubechores.platform.kube;

import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A Cluster whose connection names a kubeconfig: its CA and client certificate are read from the file. */
class CertsKubeconfigTest {
    @TempDir
    Path dir;

    @Test
    void readsInlineDataAndFileReferencesOfTheNamedContextOnly() throws Exception {
        var ca = PkiMaker.cert("prod CA").ca()
                .valid(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z")).issue();
        var otherCa = PkiMaker.cert("staging CA").ca()
                .valid(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z")).issue();
        var admin = PkiMaker.cert("prod-admin").issuer(ca)
                .valid(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")).issue();
        Files.writeString(dir.resolve("admin.crt"), admin.pem());
        String template = Files.readString(Path.of("src/test/resources/certs/kubeconfig.yaml"));
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, template.replace("PROD_CA_DATA", PkiMaker.base64(ca.pem()))
                .replace("STAGING_CA_DATA", PkiMaker.base64(otherCa.pem())));

        Map<String, String> pem = new LinkedHashMap<>();
        assertThat(CertsKube.fromKubeconfigFile(kubeconfig, "prod-eu-1", pem)).isTrue();
        assertThat(pem).containsOnlyKeys("certificate-authority", "client-certificate");
        assertThat(pem.get("certificate-authority")).isEqualTo(ca.pem());
        assertThat(pem.get("client-certificate")).isEqualTo(admin.pem()); // relative file next to the kubeconfig
        assertThat(String.join("", pem.values())).doesNotContain("PRIVATE KEY");

        assertThat(CertsKube.fromKubeconfigFile(kubeconfig, "no-such-context", new LinkedHashMap<>())).isFalse();
    }
}
