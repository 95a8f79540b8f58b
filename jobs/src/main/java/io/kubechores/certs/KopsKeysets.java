package io.kubechores.certs;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kops keystore layout in a state store, as pure functions (which objects to read, what they hold). Facts from
 * kubernetes/kops:
 * <ul>
 *   <li>the keystore is {@code <stateStore>/<cluster>/pki/} (pkg/client/simple/vfsclientset/clientset.go);</li>
 *   <li>kOps ≥ 1.22 writes one bundle per keyset, {@code pki/private/<name>/keyset.yaml}: a {@code kops.k8s.io/v1alpha2
 *       Keyset} with {@code spec.keys[]} of {@code id}, {@code publicMaterial} (base64 of the PEM certificate),
 *       {@code privateMaterial} (base64 of the PEM private key), optional {@code distrustTimestamp}, and
 *       {@code spec.primaryId} (upup/pkg/fi/vfs_castore.go ToAPIObject/writeKeysetBundle; the round trip in
 *       vfs_castore_test.go shows the document);</li>
 *   <li>before 1.22 the same bundle was also written without private material to {@code pki/issued/<name>/keyset.yaml};
 *       PR #11977 ("Stop writing the certificate-only keyset.yaml", commit 9dbf3479) stopped that and kops reads only
 *       private/ since, so an issued/ bundle left behind by an upgraded cluster is stale and is read only when no
 *       private/ bundle exists for the keyset;</li>
 *   <li>before the bundles (kops ≤ 1.10), {@code pki/issued/<name>/<id>.crt} held one PEM certificate per key and
 *       {@code pki/private/<name>/<id>.key} its key; the primary is the highest id (ids are serial numbers); the
 *       .key files are never read;</li>
 *   <li>keyset names: kubernetes-ca (before 1.22 "ca"), etcd-manager-ca-&lt;etcd cluster&gt;,
 *       etcd-peers-ca-&lt;etcd cluster&gt;, etcd-clients-ca (the API server's etcd client CA, shared by main/events),
 *       apiserver-aggregator-ca, service-account (pkg/model/components/etcdmanager/model.go,
 *       pkg/model/bootstrapscript.go KeypairNamesForInstanceGroup); kops ≤ 1.18 also kept issued leaf certificates
 *       there ("master" = the API server's serving certificate, "kubelet", "kubecfg", legacy-TLS "etcd",
 *       "etcd-peer", "etcd-client"; pkg/model/pki.go).</li>
 * </ul>
 * Only {@code publicMaterial} is kept: the private key material is dropped as the document is read and never logged,
 * stored or rendered (a parse error says line and column only, never a snippet).
 */
final class KopsKeysets {
    /** keyset.yaml bundles are a few KiB; more than this is not a keyset. */
    static final long MAX_OBJECT_BYTES = 1L << 20;

    private static final Pattern PATH = Pattern.compile("pki/(private|issued)/([^/]+)/([^/]+)");

    private KopsKeysets() {}

    /**
     * One key of a keyset.
     *
     * @param keyset     keyset name, e.g. etcd-clients-ca
     * @param id         key id (kops: the certificate's serial number in decimal)
     * @param primary    the key kops signs with
     * @param pem        the certificate (PEM)
     * @param path       object key relative to the cluster folder, e.g. pki/private/etcd-clients-ca/keyset.yaml
     */
    record Key(String keyset, String id, boolean primary, String pem, String path) {}

    /**
     * Which objects to read, from the keys under {@code <cluster>/} (relative paths like pki/private/x/keyset.yaml):
     * private/ bundles; issued/ bundles only for keysets without a private/ bundle; legacy .crt files only for
     * keysets without any bundle. Never a .key file.
     */
    static List<String> toRead(List<String> relativeKeys) {
        Set<String> privateBundles = new TreeSet<>();
        Set<String> issuedBundles = new TreeSet<>();
        Map<String, List<String>> crts = new TreeMap<>();
        for (String k : relativeKeys) {
            Matcher m = PATH.matcher(k);
            if (!m.matches()) continue;
            String dir = m.group(1);
            String name = m.group(2);
            String file = m.group(3);
            if (file.equals("keyset.yaml")) {
                (dir.equals("private") ? privateBundles : issuedBundles).add(name);
            } else if (dir.equals("issued") && file.endsWith(".crt")) {
                crts.computeIfAbsent(name, n -> new ArrayList<>()).add(k);
            }
        }
        List<String> out = new ArrayList<>();
        for (String n : privateBundles) out.add("pki/private/" + n + "/keyset.yaml");
        for (String n : issuedBundles) {
            if (!privateBundles.contains(n)) out.add("pki/issued/" + n + "/keyset.yaml");
        }
        crts.forEach((n, files) -> {
            if (!privateBundles.contains(n) && !issuedBundles.contains(n)) out.addAll(files);
        });
        return out;
    }

    /** The keyset name of an object path (pki/private/NAME/...). */
    static String keysetOf(String relativePath) {
        Matcher m = PATH.matcher(relativePath);
        return m.matches() ? m.group(2) : relativePath;
    }

    /** A legacy pki/issued/NAME/ID.crt object (primary is decided by {@link #markLegacyPrimaries}). */
    static Key legacyCrt(String relativePath, byte[] data) {
        Matcher m = PATH.matcher(relativePath);
        if (!m.matches()) throw new IllegalArgumentException("not a kops certificate path: " + relativePath);
        return new Key(m.group(2), m.group(3).substring(0, m.group(3).length() - ".crt".length()), false,
                new String(data, StandardCharsets.UTF_8), relativePath);
    }

    /** kops' legacy findPrimary: the key with the highest id (ids are serial numbers, newest highest). */
    static List<Key> markLegacyPrimaries(List<Key> keys) {
        Map<String, Key> best = new LinkedHashMap<>();
        for (Key k : keys) {
            if (!k.path().endsWith(".crt")) continue;
            best.merge(k.keyset(), k, (a, b) -> idOrder(a.id()).compareTo(idOrder(b.id())) >= 0 ? a : b);
        }
        return keys.stream().map(k -> k.path().endsWith(".crt") && best.get(k.keyset()) == k
                ? new Key(k.keyset(), k.id(), true, k.pem(), k.path()) : k).toList();
    }

    private static BigInteger idOrder(String id) {
        try {
            return new BigInteger(id);
        } catch (NumberFormatException e) {
            return BigInteger.ZERO;
        }
    }

    /** Thrown for a document that is not a readable Keyset; the message never quotes the document. */
    static final class KeysetException extends RuntimeException {
        KeysetException(String message) {
            super(message);
        }
    }

    /**
     * The trusted keys of a keyset.yaml bundle (type Keypair): keys with a distrustTimestamp are left out (kops no
     * longer trusts them: `kops distrust keypair`, docs/operations/rotate-secrets.md); keys without publicMaterial too.
     */
    static List<Key> parseBundle(String relativePath, byte[] yaml) {
        Object doc;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(relativePath).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(0).setCodePointLimit((int) MAX_OBJECT_BYTES).build();
            doc = new Load(settings).loadFromString(new String(yaml, StandardCharsets.UTF_8));
        } catch (MarkedYamlEngineException e) {
            var mark = e.getProblemMark().orElse(null);
            throw new KeysetException(relativePath + ": not a YAML document"
                    + (mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")"));
        } catch (YamlEngineException | IllegalArgumentException e) {
            throw new KeysetException(relativePath + ": not a YAML document");
        }
        if (!(doc instanceof Map<?, ?> root) || !"Keyset".equals(root.get("kind"))) {
            throw new KeysetException(relativePath + ": not a kops Keyset (kind)");
        }
        if (!(root.get("spec") instanceof Map<?, ?> spec)) {
            throw new KeysetException(relativePath + ": Keyset without spec");
        }
        Object type = spec.get("type");
        if (type != null && !"Keypair".equals(type)) return List.of(); // a Secret-type keyset holds no certificate
        // v1alpha2 writes primaryId (the Go API's json tag in v1alpha2); accept primaryID too
        Object primary = spec.get("primaryId") != null ? spec.get("primaryId") : spec.get("primaryID");
        String name = root.get("metadata") instanceof Map<?, ?> md && md.get("name") != null
                ? String.valueOf(md.get("name")) : keysetOf(relativePath);
        List<Key> out = new ArrayList<>();
        if (!(spec.get("keys") instanceof List<?> keys)) return out;
        for (Object o : keys) {
            if (!(o instanceof Map<?, ?> k)) continue;
            if (k.get("distrustTimestamp") != null) continue;
            Object pub = k.get("publicMaterial");
            if (pub == null) continue;
            String id = k.get("id") == null ? "" : String.valueOf(k.get("id"));
            String pem;
            try {
                pem = new String(Base64.getMimeDecoder().decode(String.valueOf(pub)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new KeysetException(relativePath + ": key " + id + ": publicMaterial is not base64");
            }
            out.add(new Key(name, id, id.equals(primary == null ? null : String.valueOf(primary)), pem, relativePath));
        }
        return out;
    }

    /** The item label of a key in reports: "primary 2370…" or "key 2370… (not primary)", plus "stale issued/". */
    static String item(Key k) {
        String label = (k.primary() ? "primary " : "key ") + k.id() + (k.primary() ? "" : " (not primary)");
        return k.path().startsWith("pki/issued/") && k.path().endsWith("keyset.yaml")
                ? label + " from pki/issued/ (kops < 1.22 layout)" : label;
    }

    /**
     * What breaks when a keyset's certificate expires (blast radius), from where kops distributes it
     * (pkg/model/bootstrapscript.go KeypairNamesForInstanceGroup: control-plane nodes get the etcd CAs, API-server
     * nodes apiserver-aggregator-ca, service-account and etcd-clients-ca, every node kubernetes-ca). Empty when
     * unknown.
     */
    static List<String> usedBy(String keyset) {
        if (keyset.equals("kubernetes-ca") || keyset.equals("ca")) {
            return List.of("every kubelet, kube-apiserver client and kubeconfig that trusts the cluster CA");
        }
        if (keyset.equals("etcd-clients-ca")) {
            return List.of("kube-apiserver's etcd client certificate (API server to etcd)");
        }
        if (keyset.startsWith("etcd-clients-ca-")) {
            return List.of("etcd " + keyset.substring("etcd-clients-ca-".length()) + " clients");
        }
        if (keyset.startsWith("etcd-peers-ca-")) {
            return List.of("etcd " + keyset.substring("etcd-peers-ca-".length()) + " peer TLS between members");
        }
        if (keyset.startsWith("etcd-manager-ca-")) {
            return List.of("etcd-manager " + keyset.substring("etcd-manager-ca-".length())
                    + " (control-plane coordination, backups, restores)");
        }
        if (keyset.equals("apiserver-aggregator-ca")) {
            return List.of("aggregated APIs (front proxy: metrics-server, APIServices)");
        }
        if (keyset.equals("master")) return List.of("kube-apiserver's serving certificate (kops ≤ 1.18)");
        if (keyset.equals("etcd") || keyset.equals("etcd-peer") || keyset.equals("etcd-client")) {
            return List.of("legacy etcd TLS (" + keyset + ", kops ≤ 1.18)");
        }
        return List.of();
    }
}
