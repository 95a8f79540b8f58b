package io.kubechores.certs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Blast radius through Services: a Secret whose leaf certificate names {@code <service>.<namespace>.svc} serves what
 * the API server reaches through that Service (admission webhooks, APIServices; see CertsKube#serviceUsers),
 * whether or not cert-manager injects its CA. Pure.
 */
final class ServingUsers {
    private ServingUsers() {}

    /**
     * secretUsers ("namespace/name" → users) plus, for every Secret-held leaf whose subjectAltNames include a
     * Service's server name, that Service's users. A leaf of another namespace than the Service can serve it too (the
     * name is all the API server checks), so it is matched by name alone.
     */
    static Map<String, List<String>> merge(Map<String, List<String>> secretUsers, List<ObservedCert> certs,
                                           Map<String, List<String>> serviceUsers) {
        Map<String, Set<String>> out = new TreeMap<>();
        secretUsers.forEach((k, v) -> out.computeIfAbsent(k, x -> new LinkedHashSet<>()).addAll(v));
        if (!serviceUsers.isEmpty()) {
            for (ObservedCert c : certs) {
                if (c.ca() || (c.source() != CertSource.TLS_SECRET && c.source() != CertSource.PEM_SECRET
                        && c.source() != CertSource.KEYSTORE)) continue;
                for (String san : c.sans()) {
                    String name = san.toLowerCase(Locale.ROOT);
                    // the API server asks for <svc>.<ns>.svc; certificates often name the .cluster.local form too
                    if (name.endsWith(".svc.cluster.local")) name = name.substring(0, name.length() - ".cluster.local".length());
                    List<String> users = serviceUsers.get(name);
                    if (users != null) out.computeIfAbsent(c.namespace() + "/" + c.name(), x -> new LinkedHashSet<>())
                            .addAll(users);
                }
            }
        }
        Map<String, List<String>> result = new TreeMap<>();
        out.forEach((k, v) -> result.put(k, new ArrayList<>(v)));
        return result;
    }
}
