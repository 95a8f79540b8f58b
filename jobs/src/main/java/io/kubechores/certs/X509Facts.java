package io.kubechores.certs;


import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Pure certificate arithmetic: PEM bundles → certificates, certificate → {@link ObservedCert}, chain checks.
 * No I/O; used by the collectors in platform/ and by tests.
 */
public final class X509Facts {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private X509Facts() {}

    /** True when the text holds at least one PEM certificate block (cheap check before parsing). */
    public static boolean looksLikePem(String text) {
        return text != null && text.contains("-----BEGIN CERTIFICATE-----");
    }

    /**
     * Every certificate of a PEM bundle, in order. Blocks that do not parse are skipped and counted in
     * {@code broken} (when not null) — a half-broken bundle still reports what it can.
     */
    public static List<X509Certificate> parsePem(String text, List<String> broken) {
        return parsePem(text, broken, null);
    }

    /**
     * As {@link #parsePem(String, List)}, reusing certificates already parsed from the same PEM block (the same CA
     * sits in thousands of secrets: parsed once, one object shared). The cache may be null.
     */
    public static List<X509Certificate> parsePem(String text, List<String> broken,
                                                 java.util.Map<String, X509Certificate> cache) {
        List<X509Certificate> out = new ArrayList<>();
        if (text == null) return out;
        int i = 0;
        int from = 0;
        while (true) {
            int b = text.indexOf(BEGIN, from);
            if (b < 0) break;
            int end = text.indexOf(END, b + BEGIN.length());
            if (end < 0) {
                if (broken != null) broken.add("block #" + i + ": no END line");
                break;
            }
            from = end + END.length();
            try {
                String body = text.substring(b + BEGIN.length(), end).strip();
                X509Certificate c = cache == null ? null : cache.get(body);
                if (c == null) {
                    c = parseDer(Base64.getMimeDecoder().decode(body));
                    if (cache != null) cache.put(body, c);
                }
                out.add(c);
            } catch (IllegalArgumentException | CertificateException e) {
                if (broken != null) broken.add("block #" + i + ": " + e.getMessage());
            }
            i++;
        }
        return out;
    }

    /** A base64 value (Secret data, caBundle) decoded to text; null when it is not base64. */
    public static String decodeBase64Text(String b64) {
        if (b64 == null) return null;
        try {
            return new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static X509Certificate parseDer(byte[] der) throws CertificateException {
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        return (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der));
    }

    /** The facts of one certificate found at cluster/source/namespace/name[item]. */
    public static ObservedCert observe(X509Certificate c, String cluster, CertSource source, String namespace,
                                       String name, String item) {
        String subject = c.getSubjectX500Principal().getName();
        String issuer = c.getIssuerX500Principal().getName();
        PublicKey key = c.getPublicKey();
        return new ObservedCert(cluster, source, namespace, name, item, subject, issuer,
                c.getSerialNumber().toString(16), sha256(c), c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
                c.getBasicConstraints() >= 0, selfSigned(c), key.getAlgorithm(), keyBits(key), c.getSigAlgName(),
                subjectKeyId(c), authorityKeyId(c), sans(c), null, null, null, null, false);
    }

    public static int keyBits(PublicKey key) {
        if (key instanceof RSAPublicKey r) return r.getModulus().bitLength();
        if (key instanceof ECPublicKey e) return e.getParams().getOrder().bitLength();
        if ("Ed25519".equalsIgnoreCase(key.getAlgorithm()) || "EdDSA".equalsIgnoreCase(key.getAlgorithm())) return 256;
        return 0;
    }

    public static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) return false;
        return signedBy(c, c);
    }

    /** True when child's signature verifies with parent's public key. */
    public static boolean signedBy(X509Certificate child, X509Certificate parent) {
        try {
            child.verify(parent.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static List<String> sans(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            var alt = c.getSubjectAlternativeNames();
            if (alt == null) return out;
            for (List<?> e : alt) {
                int type = (Integer) e.get(0);
                if (type == 2 || type == 7) out.add(String.valueOf(e.get(1)));
            }
        } catch (CertificateException e) {
            // malformed SAN: treat as none
        }
        return out;
    }

    /** RFC 5280 §4.2.1.2: SubjectKeyIdentifier ::= KeyIdentifier (OCTET STRING), hex; null when absent or malformed. */
    static String subjectKeyId(X509Certificate c) {
        // getExtensionValue gives the DER OCTET STRING wrapping extnValue; extnValue is itself an OCTET STRING here
        byte[] v = c.getExtensionValue("2.5.29.14");
        byte[] extn = derContent(v, 0, 0x04);
        byte[] id = extn == null ? null : derContent(extn, 0, 0x04);
        return id == null ? null : HexFormat.of().formatHex(id);
    }

    /**
     * RFC 5280 §4.2.1.1: AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT KeyIdentifier OPTIONAL,
     * authorityCertIssuer [1] ..., authorityCertSerialNumber [2] ... }; the keyIdentifier as hex, null when absent.
     */
    static String authorityKeyId(X509Certificate c) {
        byte[] v = c.getExtensionValue("2.5.29.35");
        byte[] extn = derContent(v, 0, 0x04);
        byte[] seq = extn == null ? null : derContent(extn, 0, 0x30);
        if (seq == null) return null;
        for (int i = 0; i < seq.length; ) {
            int[] hl = derHeader(seq, i);
            if (hl == null) return null;
            int start = i + hl[0], end = start + hl[1];
            if ((seq[i] & 0xff) == 0x80) return HexFormat.of().formatHex(java.util.Arrays.copyOfRange(seq, start, end));
            i = end;
        }
        return null;
    }

    /** The content of the DER element at off when its tag is the expected one (definite lengths only), else null. */
    private static byte[] derContent(byte[] der, int off, int tag) {
        if (der == null || off >= der.length || (der[off] & 0xff) != tag) return null;
        int[] hl = derHeader(der, off);
        return hl == null ? null : java.util.Arrays.copyOfRange(der, off + hl[0], off + hl[0] + hl[1]);
    }

    /** {header length, content length} of the DER element at off, or null when it runs past the end. */
    private static int[] derHeader(byte[] der, int off) {
        if (off + 2 > der.length) return null;
        int first = der[off + 1] & 0xff, header = 2, len;
        if (first < 0x80) {
            len = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 3 || off + 2 + n > der.length) return null;
            len = 0;
            for (int k = 0; k < n; k++) len = (len << 8) | (der[off + 2 + k] & 0xff);
            header += n;
        }
        return off + header + len > der.length ? null : new int[]{header, len};
    }

    /**
     * Why a presented chain (leaf first) does not verify, or null when it does: every certificate must be signed by
     * the next one, and the last must be one of the anchors or signed by one. When anchors are not required and none
     * are known (a tls Secret without ca.crt), only the links inside the chain are checked.
     * Validity dates are not checked here (the planner reports them separately).
     */
    public static String chainProblem(List<X509Certificate> chain, List<X509Certificate> anchors, boolean requireAnchor) {
        if (chain.isEmpty()) return "empty chain";
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
                return "certificate #" + i + " (" + child.getSubjectX500Principal().getName() + ") is not issued by #"
                        + (i + 1) + " (" + parent.getSubjectX500Principal().getName() + ")";
            }
            if (!signedBy(child, parent)) {
                return "signature of certificate #" + i + " does not verify with #" + (i + 1) + "'s key";
            }
        }
        X509Certificate last = chain.getLast();
        for (X509Certificate a : anchors) {
            if (a.equals(last)) return null;
            if (last.getIssuerX500Principal().equals(a.getSubjectX500Principal()) && signedBy(last, a)) return null;
        }
        boolean lastSelfSigned = last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
        if (lastSelfSigned && !signedBy(last, last)) return "self-signed certificate's signature does not verify";
        if (!requireAnchor && anchors.isEmpty()) return null;
        return "issuer " + last.getIssuerX500Principal().getName() + " is not trusted"
                + (lastSelfSigned ? " (self-signed)" : "");
    }

    /**
     * What path building made of a presented chain.
     *
     * @param path    the certification path clients build, leaf first, without the trust anchor (empty on failure)
     * @param anchor  the trust anchor it ends at (null on failure)
     * @param unused  presented certificates the path does not use (extra cross-signs, stale intermediates)
     * @param problem why no path could be built, null when one was
     */
    public record PathCheck(List<X509Certificate> path, X509Certificate anchor, List<X509Certificate> unused,
                            String problem) {
        /** The certificate of path + anchor that expires first (what ends the endpoint's validity), or null. */
        public X509Certificate earliest() {
            X509Certificate e = null;
            List<X509Certificate> all = new ArrayList<>(path);
            if (anchor != null) all.add(anchor);
            for (X509Certificate c : all) {
                if (e == null || c.getNotAfter().before(e.getNotAfter())) e = c;
            }
            return e;
        }
    }

    /**
     * Builds the path a client builds (JDK PKIX CertPathBuilder; revocation not checked) from the presented leaf
     * (first, RFC 8446 §4.4.2: the end-entity certificate MUST come first, the others may come in any order and may
     * be extraneous) through any of the other presented certificates to one of the anchors. It is built at
     * {@code at}; when no path is valid then, it is built again at the middle of the leaf's validity, so an expired
     * (or not yet valid) certificate in an otherwise sound path shows as an early {@link PathCheck#earliest()} rather
     * than as a chain problem: the expiry rules judge dates, this judges structure and signatures. When no date at
     * all has every certificate valid, the presented certificates are followed by issuer name from the leaf and
     * their signatures checked (the legacy links check), so such a path is reported expired, not "not verifying".
     */
    public static PathCheck buildPath(List<X509Certificate> presented, java.util.Collection<X509Certificate> anchors,
                                      java.time.Instant at) {
        if (presented.isEmpty()) return new PathCheck(List.of(), null, List.of(), "empty chain");
        X509Certificate leaf = presented.getFirst();
        for (X509Certificate a : anchors) {
            if (a.equals(leaf)) return new PathCheck(List.of(), leaf, unused(presented, List.of(), leaf), null);
        }
        if (anchors.isEmpty()) {
            return new PathCheck(List.of(), null, List.of(), "issuer " + leaf.getIssuerX500Principal().getName()
                    + " is not trusted (no trust anchors)");
        }
        String failure = null;
        long from = leaf.getNotBefore().getTime();
        long mid = from + (leaf.getNotAfter().getTime() - from) / 2;
        for (java.util.Date date : List.of(java.util.Date.from(at), new java.util.Date(mid))) {
            try {
                var result = (java.security.cert.PKIXCertPathBuilderResult) pathBuilder(presented, anchors, date);
                @SuppressWarnings("unchecked")
                List<X509Certificate> path = (List<X509Certificate>) result.getCertPath().getCertificates();
                X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
                return new PathCheck(List.copyOf(path), anchor, unused(presented, path, anchor), null);
            } catch (java.security.cert.CertPathBuilderException e) {
                if (failure == null) failure = e.getMessage();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("PKIX path building unavailable", e);
            }
        }
        // say why in the words of the presented chain: follow issuer names from the leaf, then check the links
        List<X509Certificate> byName = new ArrayList<>(List.of(leaf));
        List<X509Certificate> rest = new ArrayList<>(presented.subList(1, presented.size()));
        while (true) {
            X509Certificate last = byName.getLast();
            if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) break;
            X509Certificate next = rest.stream()
                    .filter(c -> c.getSubjectX500Principal().equals(last.getIssuerX500Principal())).findFirst()
                    .orElse(null);
            if (next == null) break;
            rest.remove(next);
            byName.add(next);
        }
        String why = chainProblem(byName, List.copyOf(anchors), true);
        if (why == null) {
            // every link and the anchor verify, but no single date has them all valid (an expired cross-sign
            // before a fresh leaf): the path exists and expires as early as its earliest certificate
            X509Certificate last = byName.getLast();
            X509Certificate anchor = anchors.stream().filter(a -> a.equals(last)
                    || (last.getIssuerX500Principal().equals(a.getSubjectX500Principal()) && signedBy(last, a)))
                    .findFirst().orElse(null);
            List<X509Certificate> path = anchor != null && anchor.equals(last) ? byName.subList(0, byName.size() - 1)
                    : byName;
            if (anchor != null) return new PathCheck(List.copyOf(path), anchor, unused(presented, path, anchor), null);
        }
        return new PathCheck(List.of(), null, List.of(), why != null ? why
                : "no valid certification path to a trusted anchor (" + failure + ")");
    }

    private static java.security.cert.CertPathBuilderResult pathBuilder(List<X509Certificate> presented,
            java.util.Collection<X509Certificate> anchors, java.util.Date date)
            throws java.security.GeneralSecurityException {
        java.util.Set<java.security.cert.TrustAnchor> ta = trustAnchors(anchors);
        var target = new java.security.cert.X509CertSelector();
        target.setCertificate(presented.getFirst());
        var params = new java.security.cert.PKIXBuilderParameters(ta, target);
        params.setRevocationEnabled(false);
        params.setDate(date);
        params.setMaxPathLength(8);
        params.addCertStore(java.security.cert.CertStore.getInstance("Collection",
                new java.security.cert.CollectionCertStoreParameters(presented)));
        return java.security.cert.CertPathBuilder.getInstance("PKIX").build(params);
    }

    /** The last anchor collection's TrustAnchors: fleet endpoints all pass the same JDK list (~150 roots). */
    private static volatile Object[] lastAnchors = {null, null};

    @SuppressWarnings("unchecked")
    private static java.util.Set<java.security.cert.TrustAnchor> trustAnchors(
            java.util.Collection<X509Certificate> anchors) {
        Object[] last = lastAnchors;
        if (last[0] == anchors) return (java.util.Set<java.security.cert.TrustAnchor>) last[1];
        java.util.Set<java.security.cert.TrustAnchor> ta = new java.util.HashSet<>();
        for (X509Certificate a : anchors) ta.add(new java.security.cert.TrustAnchor(a, null));
        lastAnchors = new Object[]{anchors, ta};
        return ta;
    }

    private static List<X509Certificate> unused(List<X509Certificate> presented, List<X509Certificate> path,
                                                X509Certificate anchor) {
        List<X509Certificate> out = new ArrayList<>();
        for (X509Certificate c : presented) {
            if (!path.contains(c) && !c.equals(anchor)) out.add(c);
        }
        return out;
    }

    /** Serial as shown to humans. */
    public static String serial(BigInteger s) {
        return s.toString(16);
    }
}
