package io.kubechores.certs;

import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.Problem;
import io.kubechores.desiredstate.Resource;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CertificatePolicy semantics the schema cannot say: critical threshold not above warning (globally and per
 * override), one override per source, exclusions that name at least one field, endpoints not listed twice; CA
 * bundle files that exist inside the checkout and hold PEM certificates; CA bundles in Secrets/ConfigMaps that name
 * a known cluster for fleet endpoints and none for a policy's own bundle (read from each scanned cluster).
 */
@Component
public class CertificatePolicyRule implements DesiredStateRule {
    @Override
    public void check(DesiredState state, List<Problem> problems) {
        for (Resource<CertificatePolicySpec> r : state.certificatePolicies()) {
            CertificatePolicySpec p = r.spec();
            if (p.criticalDays() > p.warningDays()) {
                problems.add(new Problem(r.locationOf("/spec/criticalDays"), "spec.criticalDays",
                        "criticalDays " + p.criticalDays() + " is above warningDays " + p.warningDays()
                                + ": certificates would turn critical before they warn"));
            }
            Set<String> sources = new HashSet<>();
            for (int i = 0; i < p.overrides().size(); i++) {
                var o = p.overrides().get(i);
                var t = ExpiryPolicy.thresholds(p, CertSource.ofId(o.source()));
                if (!sources.add(o.source())) {
                    problems.add(new Problem(r.locationOf("/spec/overrides/" + i + "/source"),
                            "spec.overrides[" + i + "].source", "second override for source " + o.source()
                            + ": only the first one applies; merge them"));
                } else if (t.criticalDays() > t.warningDays()) {
                    problems.add(new Problem(r.locationOf("/spec/overrides/" + i), "spec.overrides[" + i + "]",
                            "for " + o.source() + " criticalDays " + t.criticalDays() + " is above warningDays "
                                    + t.warningDays()));
                }
            }
            for (int i = 0; i < p.exclusions().size(); i++) {
                var e = p.exclusions().get(i);
                if (e.cluster() == null && e.namespace() == null && e.name() == null && e.subject() == null) {
                    problems.add(new Problem(r.locationOf("/spec/exclusions/" + i), "spec.exclusions[" + i + "]",
                            "an exclusion needs at least one of cluster, namespace, name, subject"));
                }
            }
            if (p.caBundle() != null) {
                bundle(state, r, p.caBundle(), "/spec/caBundle", "spec.caBundle", false, problems);
            }
            for (int i = 0; i < p.endpoints().size(); i++) {
                var b = p.endpoints().get(i).caBundle();
                if (b != null) {
                    bundle(state, r, b, "/spec/endpoints/" + i + "/caBundle", "spec.endpoints[" + i + "].caBundle",
                            true, problems);
                }
            }
            Set<String> endpoints = new HashSet<>();
            for (int i = 0; i < p.endpoints().size(); i++) {
                var e = p.endpoints().get(i);
                String key = e.host() + ":" + (e.port() == null ? 443 : e.port()) + "/" + e.serverName();
                if (!endpoints.add(key)) {
                    problems.add(new Problem(r.locationOf("/spec/endpoints/" + i), "spec.endpoints[" + i + "]",
                            "endpoint " + e.host() + ":" + (e.port() == null ? 443 : e.port()) + " is listed twice"));
                }
            }
        }
    }

    private static void bundle(DesiredState state, Resource<CertificatePolicySpec> r, CertificatePolicySpec.CaBundle b,
                               String pointer, String field, boolean endpoint, List<Problem> problems) {
        if (b.file() != null) {
            if (state.root() == null) return;
            try {
                CaBundles.fromFile(state.root(), b.file());
            } catch (CaBundles.BundleException e) {
                problems.add(new Problem(r.locationOf(pointer + "/file"), field + ".file", e.getMessage()));
            }
            return;
        }
        String kind = b.secret() != null ? "secret" : "configMap";
        var ref = b.secret() != null ? b.secret() : b.configMap();
        if (ref == null) return;
        if (endpoint && ref.cluster() == null) {
            problems.add(new Problem(r.locationOf(pointer + "/" + kind), field + "." + kind,
                    "a fleet endpoint's CA bundle must name the cluster it is read from (cluster)"));
        } else if (endpoint && state.cluster(ref.cluster()).isEmpty()) {
            problems.add(new Problem(r.locationOf(pointer + "/" + kind + "/cluster"), field + "." + kind + ".cluster",
                    "unknown cluster " + ref.cluster()));
        } else if (!endpoint && ref.cluster() != null) {
            problems.add(new Problem(r.locationOf(pointer + "/" + kind + "/cluster"), field + "." + kind + ".cluster",
                    "a policy's CA bundle is read from each cluster it scans: remove cluster"));
        }
    }
}
