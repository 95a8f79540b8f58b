package io.kubechores.rightsize;
import io.kubechores.model.rightsize.Observation;


import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.model.rightsize.Observation.Amount;
import io.kubechores.model.rightsize.Observation.ContainerRecommendation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding the file behind a workload in the example fleet repo, from annotations or by search — never guessing. */
class ManifestLocatorTest {
    static final Path EXAMPLE = Path.of("../repo-layout/example");
    static ManifestLocator locator;

    @BeforeAll
    static void index() {
        DesiredState s = new DesiredStateLoader().load(EXAMPLE, "working-tree");
        RightsizePolicySpec spec = s.rightsizePolicies().getFirst().spec();
        Map<String, String> envs = new HashMap<>();
        s.clusters().forEach(c -> envs.put(c.name(), c.spec().environment()));
        envs.put("dev-1", "dev");
        locator = new ManifestLocator(EXAMPLE, spec.sources(), envs);
    }

    static Observation workload(String cluster, String ns, String name, String metadata, String containers) {
        Map<String, String> labels = new HashMap<>();
        Map<String, String> annotations = new HashMap<>();
        if (!metadata.isBlank()) {
            for (String kv : metadata.split(" ")) {
                String[] p = kv.split("=", 2);
                (p[0].startsWith("label:") ? labels : annotations).put(p[0].replace("label:", ""), p[1]);
            }
        }
        List<ContainerRecommendation> recs = java.util.Arrays.stream(containers.split("\\|"))
                .map(c -> new ContainerRecommendation(c, new Amount(100L, 1L << 27), null, null, null)).toList();
        return new Observation(cluster, ns, "Deployment", name, 1, labels, annotations, name, "Off", null, false,
                Map.of(), recs);
    }

    @ParameterizedTest(name = "{0}: {2} {4}")
    @CsvSource(delimiter = ';', value = {
            // cluster; namespace; name; labels/annotations (space separated, label: prefix for labels); containers; expected file#block; how
            "prod-eu-1;    shop;     cart;         argocd.argoproj.io/tracking-id=shop:apps/Deployment:shop/cart; cart|envoy;"
                    + " apps/shop/cart.yaml#Deployment/cart; argocd app shop",
            "prod-eu-1;    shop;     cart;         argocd.argoproj.io/tracking-id=argocd_shop:apps/Deployment:shop/cart; cart;"
                    + " apps/shop/cart.yaml#Deployment/cart; argocd app shop",
            "staging-us-1; shop;     cart;         label:app.kubernetes.io/instance=shop; cart;"
                    + " apps/shop/cart.yaml#Deployment/cart; argocd app shop",
            "prod-us-1;    payments; payments-api; label:kustomize.toolkit.fluxcd.io/name=payments-prod; api;"
                    + " apps/payments/overlays/prod/resources.yaml#Deployment/payments-api; flux kustomization payments-prod",
            "staging-eu-1; payments; payments-api; ; api;"
                    + " apps/payments/overlays/staging/resources.yaml#Deployment/payments-api; search of policy sources, overlay for staging",
            "prod-eu-1;    search;   search;       label:helm.toolkit.fluxcd.io/name=search; indexer|query;"
                    + " apps/search/values.yaml#{container}.resources; flux helmrelease search",
            "prod-eu-1;    search;   search;       kubechores.io/source=apps/search/values.yaml#{container}.resources; indexer;"
                    + " apps/search/values.yaml#{container}.resources; kubechores.io/source apps/search/values.yaml#{container}.resources",
            "prod-eu-1;    shop;     cart;         kubechores.io/source=apps/shop/cart.yaml; cart;"
                    + " apps/shop/cart.yaml#Deployment/cart; kubechores.io/source apps/shop/cart.yaml",
            "prod-eu-1;    shop;     cart;         ; cart;"
                    + " apps/shop/cart.yaml#Deployment/cart; search of policy sources",
    })
    void found(String cluster, String ns, String name, String metadata, String containers, String key, String how) {
        Located l = locator.locate(workload(cluster, ns, name, metadata == null ? "" : metadata, containers));
        assertThat(l.how()).isEqualTo(how);
        assertThat(l.source()).isNotNull();
        assertThat(l.source().key()).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0}: {2} → {4}")
    @CsvSource(delimiter = ';', value = {
            "prod-eu-1; shop;     legacy-batch; ; search of policy sources: no file defines Deployment shop/legacy-batch",
            // a Helm values file is never picked by name alone
            "prod-eu-1; search;   search;       ; search of policy sources: no file defines Deployment search/search",
            "dev-1;     payments; payments-api; ; search of policy sources: ambiguous, 2 files define Deployment payments/payments-api"
                    + " (apps/payments/overlays/prod/resources.yaml, apps/payments/overlays/staging/resources.yaml)",
            "prod-eu-1; shop;     cart;         kubechores.io/source=apps/shop/gone.yaml; kubechores.io/source apps/shop/gone.yaml: no such file in the repo",
            "prod-eu-1; shop;     cart;         kubechores.io/source=apps/search/values.yaml#web.resources; kubechores.io/source apps/search/values.yaml#web.resources: no values block at web.resources",
            "prod-eu-1; shop;     cart;         kubechores.io/source=apps/payments/base/deployment.yaml; kubechores.io/source apps/payments/base/deployment.yaml: the file does not define Deployment shop/cart",
            "prod-eu-1; shop;     legacy-batch; label:helm.toolkit.fluxcd.io/name=legacy; 'flux helmrelease legacy matches no source path; search of policy sources: no file defines Deployment shop/legacy-batch'",
    })
    void notFoundIsReportedWithTheReason(String cluster, String ns, String name, String metadata, String reason) {
        Located l = locator.locate(workload(cluster, ns, name, metadata == null ? "" : metadata, "cart"));
        assertThat(l.found()).isFalse();
        assertThat(l.how()).isEqualTo(reason);
    }

    /**
     * Issue 21: a committed link in a rightsize source (to a file outside the checkout) was read through the
     * checkout. Links are listed but never read, whether found by a source glob or named by the
     * kubechores.io/source annotation.
     */
    @org.junit.jupiter.api.Test
    void linksInTheRepoAreNeverRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path repo = tmp.resolve("repo");
        io.kubechores.testing.TestFiles.copyTree(EXAMPLE, repo);
        java.nio.file.Path outside = tmp.resolve("cart.yaml");
        java.nio.file.Files.writeString(outside, java.nio.file.Files.readString(repo.resolve("apps/shop/cart.yaml")));
        java.nio.file.Files.delete(repo.resolve("apps/shop/cart.yaml"));
        java.nio.file.Files.createSymbolicLink(repo.resolve("apps/shop/cart.yaml"), outside);
        DesiredState s = new DesiredStateLoader().load(repo, "working-tree");
        ManifestLocator l = new ManifestLocator(repo, s.rightsizePolicies().getFirst().spec().sources(), Map.of());

        assertThat(l.files()).doesNotContain("apps/shop/cart.yaml");
        assertThat(l.refusedFiles()).containsEntry("apps/shop/cart.yaml",
                "is a symbolic link; links are not followed in the desired-state repo");
        assertThat(l.content("apps/shop/cart.yaml")).isEmpty();
        Located byAnnotation = l.locate(workload("prod-eu-1", "shop", "cart",
                "kubechores.io/source=apps/shop/cart.yaml", "cart"));
        assertThat(byAnnotation.found()).isFalse();
        assertThat(byAnnotation.how()).isEqualTo("kubechores.io/source apps/shop/cart.yaml: refused: is a symbolic link;"
                + " links are not followed in the desired-state repo");
        Located bySearch = l.locate(workload("prod-eu-1", "shop", "cart", "", "cart"));
        assertThat(bySearch.found()).isFalse();
    }

    /**
     * Untrusted repo content: a file that is not YAML, a symlink out of the checkout and an oversized file are
     * never read into a match; each is one line naming the file (and line:col for YAML errors), no content.
     */
    @org.junit.jupiter.api.Test
    void unreadableSourcesAreOneLineReasonsAndNeverMatched(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path repo = java.nio.file.Files.createDirectories(tmp.resolve("repo/apps"));
        Path outside = java.nio.file.Files.writeString(tmp.resolve("secret.yaml"),
                "kind: Deployment\nmetadata: {name: web}\n");
        java.nio.file.Files.createSymbolicLink(repo.resolve("link.yaml"), outside);
        java.nio.file.Files.writeString(repo.resolve("bad.yaml"), "kind: Deployment\nmetadata:\n  name: web\n"
                + "  labels: {a: b\n");
        java.nio.file.Files.writeString(repo.resolve("big.yaml"), "# x\n".repeat(1_200_000));
        ManifestLocator l = new ManifestLocator(tmp.resolve("repo"),
                List.of(new RightsizePolicySpec.ManifestSource("apps/*.yaml", "manifest", null)), Map.of());
        Located found = l.locate(workload("c", "shop", "web", "", "web"));
        assertThat(found.found()).isFalse();
        assertThat(l.unreadable()).hasSize(3).satisfiesExactly(
                bad -> assertThat(bad).startsWith("apps/bad.yaml:5:1: ").doesNotContain("labels"),
                big -> assertThat(big).isEqualTo("apps/big.yaml: 4800000 bytes, over the 4194304-byte limit; not read"),
                link -> assertThat(link).isEqualTo("apps/link.yaml: refused: is a symbolic link; links are not followed in the desired-state repo; not read"));
    }
}
