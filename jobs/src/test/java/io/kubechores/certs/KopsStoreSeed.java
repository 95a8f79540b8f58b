package io.kubechores.certs;

import io.kubechores.testkit.aws.S3Simulation;
import io.kubechores.testkit.tls.PkiMaker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes kops keystores into a simulated S3 bucket the way kops writes them (kubernetes/kops
 * upup/pkg/fi/vfs_castore.go writeKeysetBundle, serialized as kops.k8s.io/v1alpha2 YAML; the document shape is the
 * one vfs_castore_test.go TestVFSCAStoreRoundTrip expects: keys[].id quoted, privateMaterial and publicMaterial as
 * base64 of the PEM, primaryId, type Keypair; distrustTimestamp RFC 3339 on distrusted keys).
 */
final class KopsStoreSeed {
    private KopsStoreSeed() {}

    /** One key of a keyset: the certificate (and its private key, which kops stores next to it). */
    record SeedKey(PkiMaker.Issued cert, Instant distrusted) {
        String id() {
            return cert.cert().getSerialNumber().toString();
        }
    }

    static SeedKey key(PkiMaker.Issued cert) {
        return new SeedKey(cert, null);
    }

    static SeedKey distrusted(PkiMaker.Issued cert, Instant at) {
        return new SeedKey(cert, at);
    }

    /** keyset.yaml text; primary = the key kops signs with. */
    static String keysetYaml(String name, SeedKey primary, List<SeedKey> keys, boolean withPrivate) {
        StringBuilder b = new StringBuilder("apiVersion: kops.k8s.io/v1alpha2\nkind: Keyset\nmetadata:\n")
                .append("  creationTimestamp: null\n  name: ").append(name).append("\nspec:\n  keys:\n");
        for (SeedKey k : keys) {
            b.append("  - ");
            if (k.distrusted() != null) b.append("distrustTimestamp: \"").append(k.distrusted()).append("\"\n    ");
            b.append("id: \"").append(k.id()).append("\"\n");
            if (withPrivate) b.append("    privateMaterial: ").append(b64(k.cert().keyPem())).append('\n');
            b.append("    publicMaterial: ").append(b64(k.cert().pem())).append('\n');
        }
        b.append("  primaryId: \"").append(primary.id()).append("\"\n  type: Keypair\n");
        return b.toString();
    }

    /** kOps ≥ 1.22: pki/private/NAME/keyset.yaml only. */
    static void privateBundle(S3Simulation s3, String bucket, String clusterBase, String name, SeedKey primary,
                              SeedKey... others) {
        List<SeedKey> all = new ArrayList<>(List.of(others));
        all.addFirst(primary);
        s3.put(bucket, clusterBase + "/pki/private/" + name + "/keyset.yaml", keysetYaml(name, primary, all, true));
    }

    /** The certificate-only bundle kops < 1.22 also wrote (left behind, stale, after an upgrade). */
    static void issuedBundle(S3Simulation s3, String bucket, String clusterBase, String name, SeedKey primary) {
        s3.put(bucket, clusterBase + "/pki/issued/" + name + "/keyset.yaml",
                keysetYaml(name, primary, List.of(primary), false));
    }

    /** kops ≤ 1.10: pki/issued/NAME/ID.crt and pki/private/NAME/ID.key. */
    static void legacyFiles(S3Simulation s3, String bucket, String clusterBase, String name, PkiMaker.Issued cert) {
        String id = cert.cert().getSerialNumber().toString();
        s3.put(bucket, clusterBase + "/pki/issued/" + name + "/" + id + ".crt", cert.pem());
        s3.put(bucket, clusterBase + "/pki/private/" + name + "/" + id + ".key", cert.keyPem());
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
