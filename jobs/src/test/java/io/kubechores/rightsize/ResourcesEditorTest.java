package io.kubechores.rightsize;

import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.rightsize.ResourcesEditor.DocumentId;
import io.kubechores.rightsize.ResourcesEditor.Edit;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Golden files: each shape edited byte-exactly (comments, quoting, order, flow style kept). */
class ResourcesEditorTest {
    static final Path DIR = Path.of("src/test/resources/rightsize/editor");

    static String read(String name) throws IOException {
        return Files.readString(DIR.resolve(name));
    }

    static final SourceRef CART = new SourceRef("apps/shop/cart.yaml", "manifest", "Deployment", "shop", "cart", null);
    static final SourceRef CACHE = new SourceRef("apps/shop/cart.yaml", "manifest", "StatefulSet", "shop", "cart-cache", null);
    static final SourceRef PAYMENTS = new SourceRef("apps/payments/overlays/prod/resources.yaml", "kustomize",
            "Deployment", "payments", "payments-api", null);
    static final SourceRef SEARCH = new SourceRef("apps/search/values.yaml", "helm", null, null, null,
            "{container}.resources");

    @Test
    void rawManifestEditsOnlyTheTargetDocumentAndValues() throws IOException {
        String out = ResourcesEditor.apply(read("manifest.yaml"), List.of(
                new Edit(CART, "cart", new ResourceValues("350m", "384Mi", "700m", "768Mi")),
                new Edit(CART, "envoy", new ResourceValues("100m", "96Mi", null, "256Mi")),
                new Edit(CACHE, "redis", new ResourceValues("100m", "320Mi", null, "320Mi"))));
        assertThat(out).isEqualTo(read("manifest.golden.yaml"));
    }

    @Test
    void kustomizePatchKeepsQuotesAndComments() throws IOException {
        String out = ResourcesEditor.apply(read("kustomize.yaml"), List.of(
                new Edit(PAYMENTS, "api", new ResourceValues("600m", "640Mi", "1200m", "1280Mi"))));
        assertThat(out).isEqualTo(read("kustomize.golden.yaml"));
    }

    @Test
    void helmValuesAtAConfiguredPathPerContainer() throws IOException {
        String out = ResourcesEditor.apply(read("helm.yaml"), List.of(
                new Edit(SEARCH, "indexer", new ResourceValues("1200m", "3Gi", "2400m", "3Gi")),
                new Edit(SEARCH, "query", new ResourceValues("300m", "1Gi", null, "1Gi"))));
        assertThat(out).isEqualTo(read("helm.golden.yaml"));
    }

    @Test
    void unchangedValuesReturnTheInputUntouched() throws IOException {
        String in = read("helm.yaml");
        assertThat(ResourcesEditor.apply(in, List.of(
                new Edit(SEARCH, "query", new ResourceValues("300m", "768Mi", null, "768Mi"))))).isSameAs(in);
    }

    @Test
    void readsWhatEachShapeSays() throws IOException {
        assertThat(ResourcesEditor.read(read("manifest.yaml"), CART, List.of("cart", "envoy", "missing")))
                .containsExactly(
                        Map.entry("cart", new ResourceValues("500m", "512Mi", "1", "1Gi")),
                        Map.entry("envoy", new ResourceValues("100m", "128Mi", null, "256Mi")));
        assertThat(ResourcesEditor.read(read("manifest.yaml"), CACHE, Set.of("redis")))
                .containsEntry("redis", new ResourceValues("250m", "256Mi", null, "256Mi"));
        assertThat(ResourcesEditor.read(read("helm.yaml"), SEARCH, List.of("indexer", "query")))
                .containsEntry("indexer", new ResourceValues("2000m", "4Gi", "4000m", "4Gi"))
                .containsEntry("query", new ResourceValues("300m", "768Mi", null, "768Mi"));
        assertThat(ResourcesEditor.read(read("kustomize.yaml"), PAYMENTS, List.of("api")))
                .containsEntry("api", new ResourceValues("1", "1Gi", "2", "2Gi"));
    }

    @Test
    void listsTheObjectsOfAFile() throws IOException {
        assertThat(ResourcesEditor.documents(read("manifest.yaml"))).containsExactly(
                new DocumentId("Deployment", "cart", "shop"),
                new DocumentId("Deployment", "cart", "shop-canary"),
                new DocumentId("StatefulSet", "cart-cache", "shop"));
        assertThat(ResourcesEditor.hasValuesPath(read("helm.yaml"), "indexer.resources")).isTrue();
        assertThat(ResourcesEditor.hasValuesPath(read("helm.yaml"), "web.resources")).isFalse();
    }

    @Test
    void refusesToEditAContainerTheFileDoesNotDefine() throws IOException {
        String in = read("kustomize.yaml");
        assertThatThrownBy(() -> ResourcesEditor.apply(in, List.of(
                new Edit(PAYMENTS, "sidecar", new ResourceValues("1m", null, null, null)))))
                .hasMessageContaining("no resources block for container sidecar");
    }
}
