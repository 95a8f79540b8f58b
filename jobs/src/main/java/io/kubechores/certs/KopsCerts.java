package io.kubechores.certs;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.S3Objects;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collect for kops clusters: lists {@code <stateStore>/<cluster>/pki/} and reads the keysets ({@link KopsKeysets}
 * says which objects and what they hold), so the CAs that took kops clusters down (etcd-manager, etcd peers, the
 * API server's etcd client CA, kubernetes-ca) are judged like every other certificate (source {@code kops}).
 * An unreadable store (access denied, no such bucket, wrong cluster name) is a read error of source kops, alerted
 * like a finding; one unreadable keyset is a problem line and the others are still read.
 * <p>
 * IAM: s3:ListBucket on the bucket (prefix {@code <cluster>/pki/}) and s3:GetObject on
 * {@code <cluster>/pki/private/*}{@code /keyset.yaml} (kOps ≥ 1.22 keeps certificates only there, next to the private
 * keys) and {@code <cluster>/pki/issued/*}. The private key material is parsed away at once and never kept.
 */
final class KopsCerts {
    /** The state store as this reader sees it: keys under a prefix, and one object. */
    interface Store {
        List<String> list(String prefix);

        Optional<byte[]> get(String key, long maxBytes);
    }

    private KopsCerts() {}

    /** A Store over S3 (ListObjectsV2 + GetObject in the store's bucket). */
    static Store s3(S3Objects s3, String bucket) {
        return new Store() {
            @Override
            public List<String> list(String prefix) {
                return s3.list(bucket, prefix).stream().map(S3Objects.ObjectInfo::key).toList();
            }

            @Override
            public Optional<byte[]> get(String key, long maxBytes) {
                return s3.get(bucket, key, maxBytes);
            }
        };
    }

    /** The cluster's kops keysets, read with the fleet's AWS access (null kops: nothing). */
    static CertInventory read(String cluster, ClusterSpec spec, AwsAccess aws) {
        ClusterSpec.Kops kops = spec.kops();
        if (kops == null) return CertInventory.empty();
        String kopsCluster = kops.clusterName() == null || kops.clusterName().isBlank() ? cluster : kops.clusterName();
        S3Objects.Location loc;
        try {
            loc = S3Objects.Location.parse(kops.stateStore());
        } catch (IllegalArgumentException e) {
            return failed(cluster, kops.stateStore(), e.getMessage());
        }
        String region = kops.region() != null ? kops.region()
                : spec.aws() != null && spec.aws().region() != null ? spec.aws().region() : "us-east-1";
        try (S3Objects s3 = S3Objects.from(aws, region, kops.roleArn())) {
            return read(cluster, kopsCluster, loc, s3(s3, loc.bucket()));
        } catch (RuntimeException e) {
            return failed(cluster, "s3://" + loc.bucket() + "/" + loc.key(kopsCluster + "/pki/"), message(e));
        }
    }

    /** As above, from any Store (tests). */
    static CertInventory read(String cluster, String kopsCluster, S3Objects.Location loc, Store store) {
        String base = loc.key(kopsCluster) + "/";
        String where = "s3://" + loc.bucket() + "/" + base + "pki/";
        List<String> relative;
        try {
            relative = store.list(base + "pki/").stream().filter(k -> k.startsWith(base))
                    .map(k -> k.substring(base.length())).toList();
        } catch (RuntimeException e) {
            return failed(cluster, where, message(e));
        }
        List<String> objects = KopsKeysets.toRead(relative);
        if (objects.isEmpty()) {
            return failed(cluster, where, "no kops keysets under " + where + " (is clusterName the kops cluster's"
                    + " name?)");
        }
        List<String> problems = new ArrayList<>();
        List<SourceError> errors = new ArrayList<>();
        List<KopsKeysets.Key> keys = new ArrayList<>();
        for (String path : objects) {
            try {
                Optional<byte[]> data = store.get(base + path, KopsKeysets.MAX_OBJECT_BYTES);
                if (data.isEmpty()) continue; // listed, then deleted: nothing to judge
                if (path.endsWith(".crt")) keys.add(KopsKeysets.legacyCrt(path, data.get()));
                else keys.addAll(KopsKeysets.parseBundle(path, data.get()));
            } catch (RuntimeException e) {
                problems.add(cluster + " kops " + path + ": " + message(e));
                errors.add(new SourceError(cluster, CertSource.KOPS.id(), path, message(e)));
            }
        }
        List<ObservedCert> certs = new ArrayList<>();
        Map<String, List<String>> users = new HashMap<>();
        List<KopsKeysets.Key> all = KopsKeysets.markLegacyPrimaries(keys);
        Map<String, java.time.Instant> primaryNotAfter = new HashMap<>();
        Map<KopsKeysets.Key, List<X509Certificate>> parsedByKey = new java.util.LinkedHashMap<>();
        for (KopsKeysets.Key k : all) {
            List<String> broken = new ArrayList<>();
            List<X509Certificate> parsed = X509Facts.parsePem(k.pem(), broken);
            for (String b : broken) problems.add(cluster + " kops " + k.path() + ": unreadable certificate " + b);
            parsedByKey.put(k, parsed);
            if (k.primary() && !parsed.isEmpty()) {
                primaryNotAfter.put(k.keyset(), parsed.getFirst().getNotAfter().toInstant());
            }
        }
        for (KopsKeysets.Key k : all) {
            for (X509Certificate c : parsedByKey.get(k)) {
                ObservedCert o = X509Facts.observe(c, cluster, CertSource.KOPS, "", k.keyset(), KopsKeysets.item(k));
                // a secondary key the primary outlives: new certificates come from the primary, so its expiry is a
                // clean-up (distrust it), at most a WARNING; the primary's own expiry is judged as usual
                java.time.Instant primary = primaryNotAfter.get(k.keyset());
                if (!k.primary() && primary != null && primary.isAfter(o.notAfter())) o = o.asUnusedInPath();
                certs.add(o);
            }
            List<String> u = KopsKeysets.usedBy(k.keyset());
            if (!u.isEmpty()) users.put(usersKey(k.keyset()), u);
        }
        return new CertInventory(certs, List.of(), problems, errors, users);
    }

    /**
     * The cluster's own scan plus its kops keysets. When the cluster's API cannot be used at all (the scan throws),
     * the kops findings are kept and the failure becomes a read error of the cluster, instead of the partition
     * failing with nothing judged; without kops certificates the failure propagates as before.
     */
    static CertInventory alongside(String cluster, CertInventory kops,
                                   java.util.function.Supplier<CertInventory> clusterScan) {
        if (kops.certs().isEmpty()) return clusterScan.get().plus(kops);
        try {
            return clusterScan.get().plus(kops);
        } catch (RuntimeException e) {
            String m = message(e);
            return new CertInventory(List.of(), List.of(), List.of(cluster + ": " + m),
                    List.of(new SourceError(cluster, "cluster", "", m))).plus(kops);
        }
    }

    /** The blast-radius key of a kops keyset (Secrets use "namespace/name"; a namespace never contains ':'). */
    static String usersKey(String keyset) {
        return "kops:" + keyset;
    }

    private static CertInventory failed(String cluster, String where, String message) {
        return new CertInventory(List.of(), List.of(), List.of(cluster + " kops " + where + ": " + message),
                List.of(new SourceError(cluster, CertSource.KOPS.id(), where, message)));
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
