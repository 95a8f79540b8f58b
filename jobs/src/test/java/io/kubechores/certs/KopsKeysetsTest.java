package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kops keystore layout (kubernetes/kops upup/pkg/fi/vfs_castore.go, vfs_keystorereader.go; PR #11977 "Stop
 * writing the certificate-only keyset.yaml", kOps 1.22; the pre-bundle layout of issued/NAME/ID.crt +
 * private/NAME/ID.key from kops ≤ 1.10's vfs_castore.go loadCertificates).
 */
class KopsKeysetsTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("kOps >= 1.22: private bundles only",
                        List.of("pki/private/kubernetes-ca/keyset.yaml", "pki/private/etcd-clients-ca/keyset.yaml"),
                        List.of("pki/private/etcd-clients-ca/keyset.yaml", "pki/private/kubernetes-ca/keyset.yaml")),
                Arguments.of("upgraded from < 1.22: the stale issued/ bundle is ignored when private/ has the keyset",
                        List.of("pki/issued/etcd-clients-ca/keyset.yaml", "pki/private/etcd-clients-ca/keyset.yaml"),
                        List.of("pki/private/etcd-clients-ca/keyset.yaml")),
                Arguments.of("an issued/ bundle without a private/ one is read",
                        List.of("pki/issued/master/keyset.yaml"), List.of("pki/issued/master/keyset.yaml")),
                Arguments.of("legacy files: every .crt, never a .key",
                        List.of("pki/issued/ca/111.crt", "pki/issued/ca/222.crt", "pki/private/ca/111.key",
                                "pki/private/ca/222.key"),
                        List.of("pki/issued/ca/111.crt", "pki/issued/ca/222.crt")),
                Arguments.of("legacy .crt files of a keyset that has a bundle are not read",
                        List.of("pki/issued/ca/111.crt", "pki/private/ca/keyset.yaml"),
                        List.of("pki/private/ca/keyset.yaml")),
                Arguments.of("ssh keys, secrets and deeper paths are none of ours",
                        List.of("pki/ssh/public/admin/abc", "secrets/admin", "pki/private/a/b/keyset.yaml",
                                "pki/private/x/other.yaml"),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void readsWhatKopsItselfReads(String rule, List<String> listing, List<String> expected) {
        assertThat(KopsKeysets.toRead(listing)).as(rule).containsExactlyElementsOf(expected);
    }

    @Test
    void keepsTrustedKeysPublicMaterialOnlyAndMarksThePrimary() {
        var old = PkiMaker.cert("etcd-manager-ca-main").ca().valid(NOW.minusSeconds(86400 * 400), NOW.minusSeconds(86400))
                .issue();
        var staged = PkiMaker.cert("etcd-manager-ca-main").ca().valid(NOW.minusSeconds(86400), NOW.plusSeconds(86400 * 3650))
                .issue();
        var primary = PkiMaker.cert("etcd-manager-ca-main").ca().valid(NOW.minusSeconds(86400 * 30),
                NOW.plusSeconds(86400 * 3000)).issue();
        String yaml = KopsStoreSeed.keysetYaml("etcd-manager-ca-main", KopsStoreSeed.key(primary), List.of(
                KopsStoreSeed.key(primary), KopsStoreSeed.key(staged),
                KopsStoreSeed.distrusted(old, NOW.minusSeconds(86400 * 10))), true);

        List<KopsKeysets.Key> keys = KopsKeysets.parseBundle("pki/private/etcd-manager-ca-main/keyset.yaml",
                yaml.getBytes(StandardCharsets.UTF_8));

        assertThat(keys).as("the distrusted key is left out").hasSize(2);
        assertThat(keys.getFirst().primary()).isTrue();
        assertThat(keys.getFirst().id()).isEqualTo(primary.cert().getSerialNumber().toString());
        assertThat(keys.get(1).primary()).isFalse();
        assertThat(keys).allSatisfy(k -> {
            assertThat(k.keyset()).isEqualTo("etcd-manager-ca-main");
            assertThat(k.pem()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
        });
        assertThat(KopsKeysets.item(keys.getFirst())).startsWith("primary ");
        assertThat(KopsKeysets.item(keys.get(1))).endsWith("(not primary)");
    }

    @Test
    void aBrokenDocumentIsNamedByLineAndColumnWithoutItsContent() {
        var ca = PkiMaker.cert("kubernetes-ca").ca().valid(NOW.minusSeconds(86400), NOW.plusSeconds(86400 * 3650)).issue();
        String good = KopsStoreSeed.keysetYaml("kubernetes-ca", KopsStoreSeed.key(ca), List.of(KopsStoreSeed.key(ca)),
                true);
        String privateB64 = KopsStoreSeed.b64(ca.keyPem());
        // a tab where YAML allows none, on the privateMaterial line
        String broken = good.replace("    privateMaterial: ", "    privateMaterial:\t[" );
        assertThatThrownBy(() -> KopsKeysets.parseBundle("pki/private/kubernetes-ca/keyset.yaml",
                broken.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KopsKeysets.KeysetException.class)
                .hasMessageStartingWith("pki/private/kubernetes-ca/keyset.yaml: not a YAML document (line ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(privateB64.substring(0, 20))
                        .doesNotContain("privateMaterial"));
        assertThatThrownBy(() -> KopsKeysets.parseBundle("pki/private/x/keyset.yaml",
                "kind: Cluster\nspec: {}\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("pki/private/x/keyset.yaml: not a kops Keyset (kind)");
        assertThat(KopsKeysets.parseBundle("pki/private/x/keyset.yaml",
                "kind: Keyset\nspec:\n  type: Secret\n  keys:\n  - id: a\n    publicMaterial: eA==\n"
                        .getBytes(StandardCharsets.UTF_8))).as("a Secret keyset holds no certificate").isEmpty();
    }

    @Test
    void legacyPrimaryIsTheHighestId() {
        var a = new KopsKeysets.Key("ca", "6985305127011281792", false, "", "pki/issued/ca/6985305127011281792.crt");
        var b = new KopsKeysets.Key("ca", "237054359138908419352140518924933177492", false, "",
                "pki/issued/ca/237054359138908419352140518924933177492.crt");
        assertThat(KopsKeysets.markLegacyPrimaries(List.of(a, b))).extracting(KopsKeysets.Key::primary)
                .containsExactly(false, true);
    }

    @Test
    void blastRadiusFollowsWhereKopsDistributesTheKeyset() {
        assertThat(KopsKeysets.usedBy("etcd-clients-ca")).singleElement().asString().contains("kube-apiserver");
        assertThat(KopsKeysets.usedBy("etcd-peers-ca-events")).singleElement().asString().contains("etcd events peer");
        assertThat(KopsKeysets.usedBy("etcd-manager-ca-main")).singleElement().asString().startsWith("etcd-manager main");
        assertThat(KopsKeysets.usedBy("ca")).isEqualTo(KopsKeysets.usedBy("kubernetes-ca"));
        assertThat(KopsKeysets.usedBy("something-else")).isEmpty();
    }
}
