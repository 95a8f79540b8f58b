package io.kubechores.certs;

import io.kubechores.platform.aws.S3Objects;
import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What a kops store read reports when it is not all there (an in-memory store: the S3 side is S3ObjectsIT's). */
class KopsCertsTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    static KopsCerts.Store store(Map<String, String> objects) {
        TreeMap<String, String> sorted = new TreeMap<>(objects);
        return new KopsCerts.Store() {
            @Override
            public List<String> list(String prefix) {
                return sorted.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
            }

            @Override
            public Optional<byte[]> get(String key, long maxBytes) {
                return Optional.ofNullable(sorted.get(key)).map(s -> s.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void aWrongClusterNameIsAReadErrorThatSaysSo() {
        var loc = S3Objects.Location.parse("s3://acme-kops-state");
        CertInventory inv = KopsCerts.read("prod", "k8s.typo.acme.example", loc,
                store(Map.of("k8s.prod.acme.example/pki/private/kubernetes-ca/keyset.yaml", "x")));
        assertThat(inv.certs()).isEmpty();
        assertThat(inv.errors()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("kops");
            assertThat(e.target()).isEqualTo("s3://acme-kops-state/k8s.typo.acme.example/pki/");
            assertThat(e.message()).contains("no kops keysets under", "is clusterName the kops cluster's name?");
        });
    }

    @Test
    void oneBrokenKeysetIsAProblemAndTheOthersAreStillRead() {
        var ca = PkiMaker.cert("etcd-peers-ca-main").ca().valid(NOW.minusSeconds(86400), NOW.plusSeconds(86400 * 90))
                .issue();
        var loc = S3Objects.Location.parse("s3://acme-kops-state/team-a");
        CertInventory inv = KopsCerts.read("prod", "c1", loc, store(Map.of(
                "team-a/c1/pki/private/etcd-peers-ca-main/keyset.yaml", KopsStoreSeed.keysetYaml("etcd-peers-ca-main",
                        KopsStoreSeed.key(ca), List.of(KopsStoreSeed.key(ca)), true),
                "team-a/c1/pki/private/kubernetes-ca/keyset.yaml", "kind: Keyset\nspec: [\n",
                "team-a/c2/pki/private/kubernetes-ca/keyset.yaml", "another cluster's")));
        assertThat(inv.certs()).singleElement().satisfies(c -> {
            assertThat(c.source()).isEqualTo(CertSource.KOPS);
            assertThat(c.name()).isEqualTo("etcd-peers-ca-main");
            assertThat(c.subject()).isEqualTo("CN=etcd-peers-ca-main");
        });
        assertThat(inv.errors()).singleElement().satisfies(e -> {
            assertThat(e.target()).isEqualTo("pki/private/kubernetes-ca/keyset.yaml");
            assertThat(e.message()).startsWith("pki/private/kubernetes-ca/keyset.yaml: not a YAML document (line ");
        });
        assertThat(inv.secretUsers()).containsKey(KopsCerts.usersKey("etcd-peers-ca-main"));
    }
}
