package io.kubechores.certs;

import io.kubechores.desiredstate.CertificatePolicySpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The certificate rules, as a pure function: policy + inventory + clock → {@link CertPlan}. No I/O.
 * <ul>
 *   <li>expiry: EXPIRED after notAfter, CRITICAL within criticalDays, WARNING within warningDays (defaults 30 d / 7 d,
 *       overridable per source);</li>
 *   <li>flags: not yet valid, a CA and certificates it issued expiring within the same week, chain not verifying,
 *       hostname mismatch (endpoints), RSA &lt; 2048, SHA-1 signature, cert-manager not Ready / renewal overdue;</li>
 *   <li>exclusions drop certificates entirely (counted).</li>
 * </ul>
 */
public final class ExpiryPolicy {
    public static final int MIN_RSA_BITS = 2048;
    public static final Duration SAME_WEEK = Duration.ofDays(7);

    private ExpiryPolicy() {}

    /** Thresholds in days for one source. */
    public record Thresholds(int warningDays, int criticalDays) {}

    public static Thresholds thresholds(CertificatePolicySpec p, CertSource source) {
        for (CertificatePolicySpec.Override o : p.overrides()) {
            if (source.id().equals(o.source())) {
                return new Thresholds(o.warningDays() == null ? p.warningDays() : o.warningDays(),
                        o.criticalDays() == null ? p.criticalDays() : o.criticalDays());
            }
        }
        return new Thresholds(p.warningDays(), p.criticalDays());
    }

    /** True when an exclusion matches: every field it names must match (subject: substring of the DN). */
    public static boolean excluded(CertificatePolicySpec p, String cluster, String namespace, String name,
                                   String subject) {
        for (CertificatePolicySpec.Exclusion e : p.exclusions()) {
            if (e.cluster() == null && e.namespace() == null && e.name() == null && e.subject() == null) continue;
            if (e.cluster() != null && !e.cluster().equals(cluster)) continue;
            if (e.namespace() != null && !e.namespace().equals(namespace)) continue;
            if (e.name() != null && !e.name().equals(name)) continue;
            if (e.subject() != null && (subject == null || !subject.contains(e.subject()))) continue;
            return true;
        }
        return false;
    }

    public static Severity expirySeverity(Instant notAfter, Instant now, Thresholds t) {
        if (now.isAfter(notAfter)) return Severity.EXPIRED;
        Duration left = Duration.between(now, notAfter);
        if (left.compareTo(Duration.ofDays(t.criticalDays())) <= 0) return Severity.CRITICAL;
        if (left.compareTo(Duration.ofDays(t.warningDays())) <= 0) return Severity.WARNING;
        return Severity.OK;
    }

    /** Whole days until notAfter, rounded down (negative once expired: -1 on the first day after). */
    public static long daysLeft(Instant notAfter, Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter).getSeconds(), 86_400L);
    }

    /**
     * Several CertificatePolicies selecting one cluster, merged so that the strictest applies: per source, the
     * largest warningDays and the largest criticalDays of any policy (each policy's own override for the source, else
     * its defaults); a certificate is excluded only when every policy excludes it (an exclusion in one team's policy
     * must not blind another team's). Each policy is valid on its own (critical ≤ warning), so the merge is too.
     * The result has no exclusions: pair it with {@link #excludedByAll}.
     */
    public static CertificatePolicySpec merge(List<CertificatePolicySpec> policies) {
        if (policies.size() == 1) return policies.getFirst();
        int warn = policies.stream().mapToInt(CertificatePolicySpec::warningDays).max().orElse(30);
        int crit = policies.stream().mapToInt(CertificatePolicySpec::criticalDays).max().orElse(7);
        List<CertificatePolicySpec.Override> overrides = new ArrayList<>();
        for (CertSource s : CertSource.values()) {
            int w = policies.stream().mapToInt(p -> thresholds(p, s).warningDays()).max().orElse(warn);
            int c = policies.stream().mapToInt(p -> thresholds(p, s).criticalDays()).max().orElse(crit);
            if (w != warn || c != crit) overrides.add(new CertificatePolicySpec.Override(s.id(), w, c));
        }
        Integer reminder = policies.stream().map(CertificatePolicySpec::reminderHours).filter(java.util.Objects::nonNull)
                .min(Integer::compare).orElse(null);
        int timeout = policies.stream().mapToInt(CertificatePolicySpec::timeoutSeconds).min().orElse(5);
        return new CertificatePolicySpec(null, List.of(), null, warn, crit, overrides, List.of(), timeout, null,
                reminder, List.of());
    }

    /** True when every policy excludes the certificate (see {@link #merge}). */
    public static boolean excludedByAll(List<CertificatePolicySpec> policies, String cluster, String namespace,
                                        String name, String subject) {
        if (policies.isEmpty()) return false;
        for (CertificatePolicySpec p : policies) {
            if (!excluded(p, cluster, namespace, name, subject)) return false;
        }
        return true;
    }

    public static CertPlan plan(String policyName, CertificatePolicySpec policy, CertInventory inv, Clock clock) {
        return plan(policyName, List.of(policy), inv, clock);
    }

    /** Judges with several policies merged ({@link #merge}); policyName names them all, e.g. "base+team-a". */
    public static CertPlan plan(String policyName, List<CertificatePolicySpec> policies, CertInventory inv,
                                Clock clock) {
        CertificatePolicySpec policy = merge(policies);
        Instant now = clock.instant();
        List<ObservedCert> kept = new ArrayList<>();
        int excluded = 0;
        for (ObservedCert c : inv.certs()) {
            if (excludedByAll(policies, c.cluster(), c.namespace(), c.name(), c.subject())) excluded++;
            else kept.add(c);
        }
        Map<String, List<Flag>> sameWeek = sameWeekFlags(kept);
        Map<String, Finding> byKey = new LinkedHashMap<>();
        for (ObservedCert c : kept) {
            Finding f = judge(policyName, policy, c, sameWeek.getOrDefault(c.sha256(), List.of()), now);
            byKey.putIfAbsent(f.key(), f);
        }
        for (CertManagerCert m : inv.certManager()) {
            String subject = "Certificate " + m.namespace() + "/" + m.name();
            if (excludedByAll(policies, m.cluster(), m.namespace(), m.name(), subject)) {
                excluded++;
                continue;
            }
            Finding f = judge(policyName, policy, m, now);
            byKey.putIfAbsent(f.key(), f);
        }
        return new CertPlan(blastRadius(new ArrayList<>(byKey.values()), inv.secretUsers()), excluded, inv.problems(),
                inv.errors());
    }

    static Finding judge(String policyName, CertificatePolicySpec policy, ObservedCert c, List<Flag> extra,
                         Instant now) {
        Thresholds t = thresholds(policy, c.source());
        // an endpoint is valid until the first certificate of the path clients build expires
        boolean pathFirst = c.pathNotAfter() != null && c.pathNotAfter().isBefore(c.notAfter());
        Instant effectiveNotAfter = pathFirst ? c.pathNotAfter() : c.notAfter();
        Severity expiry = expirySeverity(effectiveNotAfter, now, t);
        List<Flag> flags = new ArrayList<>();
        if (c.unusedInPath() && expiry.compareTo(Severity.WARNING) > 0) {
            // the AddTrust case: clients build another path, so this expiry breaks nothing; still worth removing
            flags.add(new Flag(Flag.Code.UNUSED_CERT_EXPIRING, Severity.WARNING, c.source() == CertSource.KOPS
                    ? (expiry == Severity.EXPIRED ? "expired" : "expiring") + " secondary key: kops signs with the"
                    + " keyset's primary, which outlives it; once every node was rolled, `kops distrust keypair "
                    + c.name() + "` (docs/operations/rotate-secrets.md)"
                    : (expiry == Severity.EXPIRED ? "expired" : "expiring") + " certificate presented but not in the"
                    + " path clients build; remove it from the served chain"));
            expiry = Severity.OK;
        }
        if (now.isBefore(c.notBefore())) {
            flags.add(new Flag(Flag.Code.NOT_YET_VALID, Severity.CRITICAL, "not valid before " + c.notBefore()));
        }
        flags.addAll(extra);
        if (c.chainProblem() != null) {
            flags.add(new Flag(Flag.Code.CHAIN_NOT_VERIFYING, Severity.CRITICAL, c.chainProblem()));
        }
        if (c.expectedHost() != null && !hostnameMatches(c.expectedHost(), c.sans())) {
            flags.add(new Flag(Flag.Code.HOSTNAME_MISMATCH, Severity.CRITICAL,
                    "reached as " + c.expectedHost() + " but names " + (c.sans().isEmpty() ? "no subjectAltName"
                            : String.join(", ", c.sans()))));
        }
        if ("RSA".equalsIgnoreCase(c.keyAlgorithm()) && c.keyBits() > 0 && c.keyBits() < MIN_RSA_BITS) {
            flags.add(new Flag(Flag.Code.WEAK_RSA_KEY, Severity.WARNING,
                    "RSA " + c.keyBits() + " bits < " + MIN_RSA_BITS));
        }
        if (c.signatureAlgorithm() != null && c.signatureAlgorithm().toUpperCase(Locale.ROOT).startsWith("SHA1")
                && !c.selfSigned()) {
            flags.add(new Flag(Flag.Code.SHA1_SIGNATURE, Severity.WARNING, "signed with " + c.signatureAlgorithm()));
        }
        Severity sev = expiry;
        for (Flag f : flags) sev = Severity.max(sev, f.severity());
        long days = daysLeft(effectiveNotAfter, now);
        String reason = expiryReason(days, expiry, t, c.source());
        if (pathFirst && c.pathLimitedBy() != null) reason += "; set by " + c.pathLimitedBy() + " in the path";
        if (sev != expiry) {
            Flag worst = flags.stream().max(Comparator.comparing(Flag::severity)).orElseThrow();
            reason = worst.code() + ": " + worst.detail() + "; " + reason;
        }
        String key = String.join("|", c.cluster(), c.source().id(), c.namespace(), c.name(),
                c.sha256().substring(0, Math.min(16, c.sha256().length())));
        return new Finding(key, c.cluster(), c.source(), c.namespace(), c.name(), c.item(), c.subject(), c.issuer(),
                effectiveNotAfter, days, sev, flags, reason, policyName, c.sha256());
    }

    static Finding judge(String policyName, CertificatePolicySpec policy, CertManagerCert m, Instant now) {
        Thresholds t = thresholds(policy, CertSource.CERT_MANAGER);
        List<Flag> flags = new ArrayList<>();
        Severity sev = Severity.OK;
        long days = Long.MAX_VALUE;
        String reason;
        if (m.notAfter() != null) {
            sev = expirySeverity(m.notAfter(), now, t);
            days = daysLeft(m.notAfter(), now);
            reason = expiryReason(days, sev, t, CertSource.CERT_MANAGER);
        } else {
            reason = "never issued";
        }
        if (!m.ready()) {
            flags.add(new Flag(Flag.Code.CERT_MANAGER_NOT_READY, Severity.WARNING,
                    "not Ready" + (m.readyReason() == null ? "" : ": " + m.readyReason())));
            if (m.renewalTime() != null && now.isAfter(m.renewalTime())) {
                flags.add(new Flag(Flag.Code.RENEWAL_OVERDUE, Severity.CRITICAL,
                        "renewal was due " + m.renewalTime() + " and the Certificate is still not Ready"));
            }
        }
        Severity expiry = sev;
        for (Flag f : flags) sev = Severity.max(sev, f.severity());
        if (sev != expiry) {
            Flag worst = flags.stream().max(Comparator.comparing(Flag::severity)).orElseThrow();
            reason = worst.code() + ": " + worst.detail() + "; " + reason;
        }
        String key = String.join("|", m.cluster(), CertSource.CERT_MANAGER.id(), m.namespace(), m.name(), "");
        return new Finding(key, m.cluster(), CertSource.CERT_MANAGER, m.namespace(), m.name(),
                m.secretName() == null ? "" : "secret " + m.secretName(), "Certificate " + m.namespace() + "/" + m.name(),
                "", m.notAfter(), days, sev, flags, reason, policyName, "");
    }

    /**
     * Blast radius: a Secret's certificates are used by what references the Secret; a CA is used by whatever uses
     * the certificates it issued (same cluster, matched by issuer DN), so "CA X expires in 9 days" can say
     * "→ 14 Ingresses, 3 webhooks".
     */
    static List<Finding> blastRadius(List<Finding> findings, Map<String, List<String>> secretUsers) {
        if (secretUsers.isEmpty()) return findings;
        Map<Finding, List<String>> direct = new java.util.IdentityHashMap<>();
        Map<String, java.util.Set<String>> byIssuer = new java.util.HashMap<>();
        for (Finding f : findings) {
            String usersKey = switch (f.source()) {
                case TLS_SECRET, PEM_SECRET, KEYSTORE -> f.namespace() + "/" + f.name();
                case KOPS -> KopsCerts.usersKey(f.name());
                default -> null;
            };
            if (usersKey == null) continue;
            List<String> users = secretUsers.getOrDefault(usersKey, List.of());
            if (users.isEmpty()) continue;
            direct.put(f, users);
            if (!f.issuer().equals(f.subject())) {
                byIssuer.computeIfAbsent(f.cluster() + "|" + f.issuer(), k -> new java.util.LinkedHashSet<>())
                        .addAll(users);
            }
        }
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            java.util.Set<String> users = new java.util.LinkedHashSet<>(f.usedBy());
            users.addAll(direct.getOrDefault(f, List.of()));
            users.addAll(byIssuer.getOrDefault(f.cluster() + "|" + f.subject(), java.util.Set.of()));
            out.add(users.isEmpty() ? f : f.withUsedBy(List.copyOf(users)));
        }
        return out;
    }

    static String expiryReason(long days, Severity s, Thresholds t, CertSource source) {
        return switch (s) {
            case EXPIRED -> "expired " + (-days) + " day" + (-days == 1 ? "" : "s") + " ago";
            case CRITICAL -> "expires in " + days + " d (critical ≤ " + t.criticalDays() + " d for " + source.id() + ")";
            case WARNING -> "expires in " + days + " d (warning ≤ " + t.warningDays() + " d for " + source.id() + ")";
            case OK -> "expires in " + days + " d";
        };
    }

    /**
     * CAs whose issued certificates expire within {@link #SAME_WEEK} of the CA itself: when the day comes, the CA and
     * everything it signed break together (the outage this job exists for). Keyed by fingerprint.
     */
    static Map<String, List<Flag>> sameWeekFlags(List<ObservedCert> certs) {
        Map<String, ObservedCert> distinct = new LinkedHashMap<>();
        for (ObservedCert c : certs) distinct.putIfAbsent(c.sha256(), c);
        Map<String, List<Flag>> out = new LinkedHashMap<>();
        for (ObservedCert ca : distinct.values()) {
            if (!ca.ca()) continue;
            List<ObservedCert> leaves = new ArrayList<>();
            for (ObservedCert leaf : distinct.values()) {
                if (leaf.sha256().equals(ca.sha256()) || !issuedBy(leaf, ca)) continue;
                Duration gap = Duration.between(leaf.notAfter(), ca.notAfter()).abs();
                if (gap.compareTo(SAME_WEEK) <= 0) leaves.add(leaf);
            }
            if (leaves.isEmpty()) continue;
            out.computeIfAbsent(ca.sha256(), k -> new ArrayList<>()).add(new Flag(Flag.Code.CA_AND_LEAVES_SAME_WEEK,
                    Severity.WARNING, leaves.size() + " certificate" + (leaves.size() == 1 ? "" : "s")
                    + " it issued expire within a week of it (" + leaves.getFirst().subject()
                    + (leaves.size() > 1 ? ", …" : "") + ")"));
            for (ObservedCert leaf : leaves) {
                out.computeIfAbsent(leaf.sha256(), k -> new ArrayList<>()).add(new Flag(
                        Flag.Code.CA_AND_LEAVES_SAME_WEEK, Severity.WARNING,
                        "its CA " + ca.subject() + " expires within a week of it (" + ca.notAfter() + ")"));
            }
        }
        return out;
    }

    static boolean issuedBy(ObservedCert leaf, ObservedCert ca) {
        if (!leaf.issuer().equals(ca.subject())) return false;
        if (leaf.authorityKeyId() != null && ca.subjectKeyId() != null) {
            return leaf.authorityKeyId().equals(ca.subjectKeyId());
        }
        return true;
    }

    /** RFC 6125 style: exact DNS name or IP, or a left-most "*." wildcard matching exactly one label. */
    public static boolean hostnameMatches(String host, List<String> sans) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        for (String san : sans) {
            String s = san.toLowerCase(Locale.ROOT);
            if (s.equals(h)) return true;
            if (s.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot).equals(s.substring(1))) return true;
            }
        }
        return false;
    }
}
