package io.kubechores.certs;

import java.time.Instant;
import java.util.List;

/**
 * One certificate (or cert-manager Certificate) judged by the policy.
 *
 * @param key        stable identity across runs (alert dedupe, metrics): cluster|source|namespace|name|fingerprint
 * @param cluster    cluster name or "-" for fleet endpoints
 * @param source     where it was found
 * @param namespace  namespace ("" when cluster-scoped)
 * @param name       object name or host:port
 * @param item       data key / chain position
 * @param subject    subject DN (or "Certificate ns/name" for cert-manager)
 * @param issuer     issuer DN ("" for cert-manager)
 * @param notAfter   expiry (null when a cert-manager Certificate was never issued)
 * @param daysLeft   whole days until notAfter (negative when expired), Long.MAX_VALUE when unknown
 * @param severity   the worst of expiry and flags
 * @param flags      problems besides expiry
 * @param reason     one line: which threshold or flag decided the severity
 * @param policy     the CertificatePolicy that judged it
 * @param sha256     fingerprint ("" for cert-manager)
 * @param usedBy     blast radius: what breaks with it ("Ingress shop/web", "Gateway ...", "ValidatingWebhookConfiguration
 *                   ..."); for a CA, what uses the certificates it issued
 */
public record Finding(String key, String cluster, CertSource source, String namespace, String name, String item,
                      String subject, String issuer, Instant notAfter, long daysLeft, Severity severity,
                      List<Flag> flags, String reason, String policy, String sha256, List<String> usedBy) {
    public Finding {
        flags = List.copyOf(flags);
        usedBy = usedBy == null ? List.of() : List.copyOf(usedBy);
    }

    public Finding(String key, String cluster, CertSource source, String namespace, String name, String item,
                   String subject, String issuer, Instant notAfter, long daysLeft, Severity severity,
                   List<Flag> flags, String reason, String policy, String sha256) {
        this(key, cluster, source, namespace, name, item, subject, issuer, notAfter, daysLeft, severity, flags, reason,
                policy, sha256, List.of());
    }

    public Finding withUsedBy(List<String> users) {
        return new Finding(key, cluster, source, namespace, name, item, subject, issuer, notAfter, daysLeft, severity,
                flags, reason, policy, sha256, users);
    }

    /** "14 Ingresses, 3 webhooks" style summary of usedBy ("" when nothing is known to use it). */
    public String blastRadius() {
        java.util.Map<String, Integer> byKind = new java.util.LinkedHashMap<>();
        List<String> verbatim = new java.util.ArrayList<>();
        for (String u : usedBy) {
            if (u.isEmpty() || !Character.isUpperCase(u.charAt(0))) {
                verbatim.add(u); // a description, not "Kind name" (kops keysets: "etcd main peer TLS ...")
                continue;
            }
            String kind = u.substring(0, u.indexOf(' ') < 0 ? u.length() : u.indexOf(' '));
            kind = kind.endsWith("WebhookConfiguration") ? "webhook" : kind;
            byKind.merge(kind, 1, Integer::sum);
        }
        List<String> parts = new java.util.ArrayList<>();
        byKind.forEach((k, n) -> parts.add(n + " " + (n == 1 ? k : k.equals("Gateway") || k.equals("Ingress")
                ? k + (k.endsWith("s") ? "es" : "s") : k + "s")));
        parts.addAll(verbatim);
        return String.join(", ", parts);
    }

    public String location() {
        return cluster + "/" + source.id() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name
                + (item == null || item.isEmpty() ? "" : "[" + item + "]");
    }

    /** Flag codes joined for tables, e.g. "WEAK_RSA_KEY,SHA1_SIGNATURE". */
    public String flagCodes() {
        return String.join(",", flags.stream().map(f -> f.code().name()).toList());
    }
}
