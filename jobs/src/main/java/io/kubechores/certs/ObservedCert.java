package io.kubechores.certs;

import java.time.Instant;
import java.util.List;

/**
 * One certificate as found in one place (plain data: what the planner needs, no JDK/fabric8 certificate types).
 *
 * @param cluster        cluster name, or {@link #FLEET} for endpoints not tied to a cluster
 * @param source         where it was found
 * @param namespace      namespace of the Secret/ConfigMap/Certificate ("" for cluster-scoped objects and endpoints)
 * @param name           object name (Secret, webhook configuration, APIService, CRD) or host:port for endpoints
 * @param item           data key / webhook name / chain position, e.g. "tls.crt#1" or "chain#0"
 * @param subject        subject DN (RFC 2253)
 * @param issuer         issuer DN (RFC 2253)
 * @param serialHex      serial number in hex
 * @param sha256         SHA-256 fingerprint in hex
 * @param notBefore      validity start
 * @param notAfter       validity end
 * @param ca             basicConstraints CA=true
 * @param selfSigned     subject equals issuer and the signature verifies with its own key
 * @param keyAlgorithm   RSA, EC, Ed25519...
 * @param keyBits        key size in bits (RSA modulus, EC field), 0 when unknown
 * @param signatureAlgorithm e.g. SHA256withRSA
 * @param subjectKeyId   hex SKI, null when absent
 * @param authorityKeyId hex AKI, null when absent
 * @param sans           DNS names and IP addresses from subjectAltName
 * @param expectedHost   for endpoint leaves: the host name the client asked for (hostname check), else null
 * @param chainProblem   why the presented chain does not verify, null when it verifies or is not checked
 * @param pathNotAfter   for endpoint leaves: the earliest notAfter of the certification path clients build (leaf,
 *                       intermediates, trust anchor), null when no path was built
 * @param pathLimitedBy  subject of the certificate that sets pathNotAfter when it is not this one, else null
 * @param unusedInPath   presented by an endpoint but not part of the path clients build (an extra cross-signed
 *                       root, a stale intermediate): its own expiry breaks nothing
 */
public record ObservedCert(String cluster, CertSource source, String namespace, String name, String item,
                           String subject, String issuer, String serialHex, String sha256,
                           Instant notBefore, Instant notAfter, boolean ca, boolean selfSigned,
                           String keyAlgorithm, int keyBits, String signatureAlgorithm,
                           String subjectKeyId, String authorityKeyId, List<String> sans,
                           String expectedHost, String chainProblem, Instant pathNotAfter, String pathLimitedBy,
                           boolean unusedInPath) {
    /** Cluster label of certificates found on endpoints that belong to no cluster. */
    public static final String FLEET = "-";

    public ObservedCert {
        namespace = namespace == null ? "" : namespace;
        sans = sans == null ? List.of() : List.copyOf(sans);
    }

    /** Where it is: cluster/source/namespace/name[item]. */
    public String location() {
        return cluster + "/" + source.id() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name
                + (item == null || item.isEmpty() ? "" : "[" + item + "]");
    }

    /** The same certificate facts found at another place (no expected host, no chain problem). */
    public ObservedCert at(String cluster, CertSource source, String namespace, String name, String item) {
        return new ObservedCert(cluster, source, namespace, name, item, subject, issuer, serialHex, sha256, notBefore,
                notAfter, ca, selfSigned, keyAlgorithm, keyBits, signatureAlgorithm, subjectKeyId, authorityKeyId,
                sans, null, null, null, null, false);
    }

    public ObservedCert withChainProblem(String problem) {
        return new ObservedCert(cluster, source, namespace, name, item, subject, issuer, serialHex, sha256, notBefore,
                notAfter, ca, selfSigned, keyAlgorithm, keyBits, signatureAlgorithm, subjectKeyId, authorityKeyId,
                sans, expectedHost, problem, pathNotAfter, pathLimitedBy, unusedInPath);
    }

    public ObservedCert withExpectedHost(String host) {
        return new ObservedCert(cluster, source, namespace, name, item, subject, issuer, serialHex, sha256, notBefore,
                notAfter, ca, selfSigned, keyAlgorithm, keyBits, signatureAlgorithm, subjectKeyId, authorityKeyId,
                sans, host, chainProblem, pathNotAfter, pathLimitedBy, unusedInPath);
    }

    /** With the path's earliest expiry (and who sets it, when another certificate does). */
    public ObservedCert withPath(Instant notAfter, String limitedBy) {
        return new ObservedCert(cluster, source, namespace, name, item, subject, issuer, serialHex, sha256, notBefore,
                this.notAfter, ca, selfSigned, keyAlgorithm, keyBits, signatureAlgorithm, subjectKeyId, authorityKeyId,
                sans, expectedHost, chainProblem, notAfter, limitedBy, unusedInPath);
    }

    public ObservedCert asUnusedInPath() {
        return new ObservedCert(cluster, source, namespace, name, item, subject, issuer, serialHex, sha256, notBefore,
                notAfter, ca, selfSigned, keyAlgorithm, keyBits, signatureAlgorithm, subjectKeyId, authorityKeyId,
                sans, expectedHost, chainProblem, pathNotAfter, pathLimitedBy, true);
    }
}
