package io.kubechores.testkit.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes X.509 certificates with known dates (BouncyCastle): CAs and leaves, any key size and signature algorithm.
 * Used by the demo to seed simulated clusters, by tests and by the benchmarks — never to issue real certificates.
 */
public final class PkiMaker {
    private static final Map<Integer, KeyPair> SHARED = new ConcurrentHashMap<>();
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);

    private PkiMaker() {}

    /** A certificate with its key pair. */
    public record Issued(X509Certificate cert, KeyPair keys) {
        public String pem() {
            return PkiMaker.pem(cert);
        }

        public String keyPem() {
            return PkiMaker.keyPem(keys.getPrivate());
        }
    }

    /** A fresh RSA key pair. */
    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh EC P-256 key pair (cheap to sign with: simulated servers at scale). */
    public static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One RSA key pair per size, reused (key generation is slow; reuse is fine for simulations). */
    public static KeyPair sharedRsa(int bits) {
        return SHARED.computeIfAbsent(bits, PkiMaker::rsa);
    }

    public static Builder cert(String commonName) {
        return new Builder(commonName);
    }

    public static final class Builder {
        private final String cn;
        private Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");
        private Instant notAfter = Instant.parse("2027-01-01T00:00:00Z");
        private boolean ca;
        private Issued issuer;
        private KeyPair keys;
        private String sigAlg;
        private final List<GeneralName> sans = new ArrayList<>();

        private Builder(String cn) {
            this.cn = cn;
        }

        public Builder valid(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }

        public Builder ca() {
            this.ca = true;
            return this;
        }

        public Builder issuer(Issued issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder keys(KeyPair keys) {
            this.keys = keys;
            return this;
        }

        public Builder rsaBits(int bits) {
            this.keys = sharedRsa(bits);
            return this;
        }

        public Builder signature(String alg) {
            this.sigAlg = alg;
            return this;
        }

        public Builder dns(String... names) {
            for (String n : names) sans.add(new GeneralName(GeneralName.dNSName, n));
            return this;
        }

        public Builder ip(String... ips) {
            for (String n : ips) sans.add(new GeneralName(GeneralName.iPAddress, n));
            return this;
        }

        public Issued issue() {
            try {
                KeyPair kp = keys != null ? keys : sharedRsa(2048);
                X500Name subject = new X500Name("CN=" + cn);
                X500Name issuerName = issuer == null ? subject
                        : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
                PrivateKey signer = issuer == null ? kp.getPrivate() : issuer.keys().getPrivate();
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                        subject, kp.getPublic());
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
                b.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                        ? ext.createAuthorityKeyIdentifier(kp.getPublic())
                        : ext.createAuthorityKeyIdentifier(issuer.cert()));
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                b.addExtension(Extension.keyUsage, true, ca
                        ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                        : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                if (!sans.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(sans.toArray(GeneralName[]::new)));
                }
                String alg = sigAlg != null ? sigAlg
                        : "EC".equals(signer.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
                X509Certificate c = new JcaX509CertificateConverter()
                        .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
                return new Issued(c, kp);
            } catch (Exception e) {
                throw new IllegalStateException("cannot make certificate CN=" + cn, e);
            }
        }
    }

    /** PEM of one or more certificates (a bundle when several). */
    public static String pem(X509Certificate... certs) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                sb.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    public static String keyPem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
