package io.kubechores.certs;

import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.platform.kube.CertsKube;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens PKCS#12 and JKS keystores found in Secrets (the JDK reads both; cert-manager writes keystore.p12 /
 * keystore.jks / truststore.* with the password in a separate Secret) with the password a policy's keystore rule
 * points at, and returns their certificates per "key#alias". A wrong or missing password is a problem line naming
 * the Secret and key; the password itself is never put in a message.
 */
final class Keystores {
    private Keystores() {}

    static Map<String, List<X509Certificate>> open(CertsKube.PemObject o, List<CertificatePolicySpec.Keystore> rules,
                                                   CertsKube kube, String cluster, List<String> problems) {
        Map<String, List<X509Certificate>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : o.pemByKey().entrySet()) {
            if (!e.getValue().startsWith(CertsKube.KEYSTORE_PREFIX)) continue;
            String where = cluster + " Secret " + o.namespace() + "/" + o.name() + " " + e.getKey();
            CertificatePolicySpec.Keystore rule = rules.stream()
                    .filter(r -> r.namespace() == null || r.namespace().equals(o.namespace()))
                    .filter(r -> r.keySuffixes().stream().anyMatch(e.getKey()::endsWith)).findFirst().orElse(null);
            if (rule == null) continue;
            String password = rule.passwordSecret() == null ? o.passwords().get(rule.passwordKey())
                    : kube.secretValue(o.namespace(), rule.passwordSecret(), rule.passwordKey());
            if (password == null) {
                problems.add(where + ": keystore password not found at " + (rule.passwordSecret() == null
                        ? "key " + rule.passwordKey() : "Secret " + rule.passwordSecret() + " key " + rule.passwordKey()));
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(e.getValue().substring(CertsKube.KEYSTORE_PREFIX.length()));
            } catch (IllegalArgumentException x) {
                problems.add(where + ": not base64");
                continue;
            }
            KeyStore ks = load(bytes, password.strip().toCharArray());
            if (ks == null) {
                problems.add(where + ": cannot open as PKCS#12 or JKS (wrong password or not a keystore)");
                continue;
            }
            try {
                for (String alias : Collections.list(ks.aliases())) {
                    List<X509Certificate> certs = new ArrayList<>();
                    Certificate[] chain = ks.getCertificateChain(alias);
                    if (chain != null) {
                        for (Certificate c : chain) if (c instanceof X509Certificate x) certs.add(x);
                    } else if (ks.getCertificate(alias) instanceof X509Certificate x) {
                        certs.add(x);
                    }
                    if (!certs.isEmpty()) out.put(e.getKey() + "#" + alias, certs);
                }
            } catch (java.security.KeyStoreException x) {
                problems.add(where + ": " + x.getMessage());
            }
        }
        return out;
    }

    /** PKCS#12 first, then JKS (the JDK's keystores read either format, but be explicit); null when neither opens. */
    static KeyStore load(byte[] bytes, char[] password) {
        for (String type : List.of("PKCS12", "JKS")) {
            try {
                KeyStore ks = KeyStore.getInstance(type);
                ks.load(new ByteArrayInputStream(bytes), password);
                return ks;
            } catch (Exception ignored) {
                // next format, or wrong password
            }
        }
        return null;
    }
}
