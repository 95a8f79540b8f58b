package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real `kubectl kustomize` (kubectl >= 1.14 embeds kustomize) builds k8s/; skipped where kubectl is absent. */
class K8sKustomizeIT {

    @Test
    void kubectlKustomizeBuildsTheBase() throws Exception {
        Path kubectl = kubectl();
        assumeTrue(kubectl != null, "kubectl not on PATH");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", Path.of("../k8s").toString())
                .redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize k8s/ failed: %s", err).isZero();

        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(new String(out, StandardCharsets.UTF_8))) {
            while (it.hasNext()) docs.add(it.next());
        }
        assertThat(docs).filteredOn(d -> d.path("kind").asText().equals("CronJob")).hasSize(6)
                .allSatisfy(cj -> {
                    assertThat(cj.at("/metadata/namespace").asText()).isEqualTo("kubechores");
                    assertThat(cj.at("/spec/jobTemplate/spec/template/spec/containers/0/image").asText())
                            .isEqualTo("ghcr.io/kubechores/kubechores:0.1.0");
                });
        assertThat(docs).filteredOn(d -> d.path("kind").asText().equals("Deployment"))
                .singleElement().satisfies(d -> assertThat(d.at("/spec/template/spec/containers/0/image").asText())
                        .isEqualTo("ghcr.io/kubechores/kubechores:0.1.0"));
        assertThat(docs).extracting(d -> d.path("kind").asText())
                .contains("Namespace", "ConfigMap", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service");
    }

    @Test
    void kubectlKustomizeBuildsTheTargetClusterBase() throws Exception {
        Path kubectl = kubectl();
        assumeTrue(kubectl != null, "kubectl not on PATH");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", Path.of("../k8s/target").toString())
                .redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize k8s/target failed: %s", err).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(new String(out, StandardCharsets.UTF_8))) {
            while (it.hasNext()) docs.add(it.next());
        }
        assertThat(docs).extracting(d -> d.path("kind").asText()).containsOnly("ClusterRole", "ClusterRoleBinding");
        // one per job that reads the target cluster: downscale, rightsize, certs, promote, and quotas (Karpenter
        // NodePools, issue 18)
        assertThat(docs).filteredOn(d -> d.path("kind").asText().equals("ClusterRole"))
                .extracting(d -> d.path("metadata").path("name").asText()).containsExactlyInAnyOrder(
                        "kubechores-certs", "kubechores-downscale", "kubechores-promote", "kubechores-quotas",
                        "kubechores-rightsize");
    }

    private static Path kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
