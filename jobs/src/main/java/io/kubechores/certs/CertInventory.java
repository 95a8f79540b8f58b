package io.kubechores.certs;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything collected for one partition (a cluster, or the fleet's endpoints).
 *
 * @param certs       every certificate found, one entry per place
 * @param certManager cert-manager Certificates
 * @param problems    sources that could not be read (endpoint timeouts, forbidden lists...), no secrets
 * @param errors      the read failures among them, structured (alerted and counted per source)
 * @param secretUsers what uses each Secret, keyed "namespace/name" (blast radius)
 */
public record CertInventory(List<ObservedCert> certs, List<CertManagerCert> certManager, List<String> problems,
                            List<SourceError> errors, java.util.Map<String, List<String>> secretUsers) {
    public CertInventory(List<ObservedCert> certs, List<CertManagerCert> certManager, List<String> problems,
                         List<SourceError> errors) {
        this(certs, certManager, problems, errors, java.util.Map.of());
    }

    public CertInventory {
        certs = List.copyOf(certs);
        certManager = List.copyOf(certManager);
        problems = List.copyOf(problems);
        errors = List.copyOf(errors);
        secretUsers = secretUsers == null ? java.util.Map.of() : java.util.Map.copyOf(secretUsers);
    }

    public CertInventory(List<ObservedCert> certs, List<CertManagerCert> certManager, List<String> problems) {
        this(certs, certManager, problems, List.of());
    }

    public static CertInventory empty() {
        return new CertInventory(List.of(), List.of(), List.of());
    }

    public CertInventory plus(CertInventory other) {
        List<ObservedCert> c = new ArrayList<>(certs);
        c.addAll(other.certs);
        List<CertManagerCert> m = new ArrayList<>(certManager);
        m.addAll(other.certManager);
        List<String> p = new ArrayList<>(problems);
        p.addAll(other.problems);
        List<SourceError> e = new ArrayList<>(errors);
        e.addAll(other.errors);
        java.util.Map<String, List<String>> u = new java.util.HashMap<>(secretUsers);
        u.putAll(other.secretUsers);
        return new CertInventory(c, m, p, e, u);
    }
}
