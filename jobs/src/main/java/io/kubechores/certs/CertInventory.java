package io.kubechores.certs;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything collected for one partition (a cluster, or the fleet's endpoints).
 *
 * @param certs       every certificate found, one entry per place
 * @param certManager cert-manager Certificates
 * @param problems    sources that could not be read (endpoint timeouts, forbidden lists...), no secrets
 */
public record CertInventory(List<ObservedCert> certs, List<CertManagerCert> certManager, List<String> problems) {
    public CertInventory {
        certs = List.copyOf(certs);
        certManager = List.copyOf(certManager);
        problems = List.copyOf(problems);
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
        return new CertInventory(c, m, p);
    }
}
