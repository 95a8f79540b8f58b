package io.kubechores.demo;

import io.kubechores.certs.CertsChore;

import io.kubechores.testkit.kube.CertsSeeder;
import io.kubechores.testkit.tls.PkiMaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.demo.DemoContribution;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.kube.CertsKube;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * certs in `kubechores demo`: every simulated cluster gets TLS secrets expiring at various dates (one expired, 3 d,
 * 20 d, 200 d — shifted a little per cluster so the timeline spreads), a webhook caBundle, a PEM ConfigMap bundle;
 * prod-eu-1 also gets a legacy bundle (RSA 1024 + SHA-1) and a stuck cert-manager Certificate. The run writes
 * certs-report.html (timeline + table); the second run shows that nothing is alerted twice.
 */
@Component
public class CertsDemo implements DemoContribution {
    private static final List<String> ORDER = List.of("staging-eu-1", "staging-us-1", "prod-eu-1", "prod-us-1");

    @Override
    public String job() {
        return CertsChore.NAME;
    }

    @Override
    public void seedCluster(Resource<ClusterSpec> cluster, KubernetesClient client, Clock clock) {
        Instant now = clock.instant();
        int shift = Math.max(0, ORDER.indexOf(cluster.name()));
        CertsSeeder seed = new CertsSeeder(client);
        PkiMaker.Issued ca = PkiMaker.cert(cluster.name() + " apps CA").ca()
                .valid(now.minus(Duration.ofDays(700)), now.plus(Duration.ofDays(1100 + 30L * shift))).issue();
        record Leaf(String ns, String name, String host, double days) {}
        List<Leaf> leaves = List.of(
                new Leaf("shop", "legacy-shop-tls", "legacy.shop.acme.example", -2 - shift),
                new Leaf("shop", "cart-tls", "cart.shop.acme.example", 3 + shift * 0.5),
                new Leaf("payments", "payments-tls", "pay.acme.example", 20 + shift * 2),
                new Leaf("search", "search-tls", "search.acme.example", 200 + shift * 10));
        for (Leaf l : leaves) {
            Instant notAfter = now.plus(Duration.ofMinutes((long) (l.days() * 24 * 60)));
            PkiMaker.Issued leaf = PkiMaker.cert(l.host()).issuer(ca).dns(l.host())
                    .valid(min(now.minus(Duration.ofDays(30)), notAfter.minus(Duration.ofDays(90))), notAfter).issue();
            seed.tlsSecret(l.ns(), l.name(), leaf.pem() + ca.pem(), ca.pem());
        }
        PkiMaker.Issued webhookCa = PkiMaker.cert("policy-webhook-ca").ca()
                .valid(now.minus(Duration.ofDays(355)), now.plus(Duration.ofDays(10 + 4L * shift))).issue();
        seed.validatingWebhook("policy-webhook", "validate.policy.acme.example", webhookCa.pem());
        PkiMaker.Issued corpRoot = PkiMaker.cert("Acme Corporate Root").ca()
                .valid(now.minus(Duration.ofDays(3000)), now.plus(Duration.ofDays(45 + 15L * shift))).issue();
        seed.configMap("kube-system", "trusted-cas", "ca-bundle.crt", corpRoot.pem() + ca.pem());
        if ("prod-eu-1".equals(cluster.name())) {
            PkiMaker.Issued weak = PkiMaker.cert("legacy-ldap.acme.example").issuer(ca).rsaBits(1024)
                    .valid(now.minus(Duration.ofDays(100)), now.plus(Duration.ofDays(120))).issue();
            PkiMaker.Issued sha1 = PkiMaker.cert("legacy-smtp.acme.example").issuer(ca).signature("SHA1withRSA")
                    .valid(now.minus(Duration.ofDays(100)), now.plus(Duration.ofDays(150))).issue();
            seed.opaqueSecret("payments", "legacy-bundle", Map.of("bundle.pem", weak.pem() + sha1.pem()));
            seed.certManagerCertificate("shop", "web", "web-tls", now.plus(Duration.ofDays(12)),
                    now.minus(Duration.ofDays(18)), false, "Issuing", "ACME challenge failed: 403 unauthorized");
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public List<Step> steps(Clock clock) {
        Instant now = clock.instant();
        return List.of(new Step("certificate inventory, alert on new findings", now, false),
                new Step("an hour later: nothing new to alert", now.plus(Duration.ofHours(1)), false));
    }
}
