package io.kubechores.rightsize;

import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.rightsize.ResourcesEditor.Edit;
import io.kubechores.yaml.YamlEditException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The editor on every YAML shape real repositories use, byte-exact. Semantics checked against the YAML 1.2.2 spec
 * (yaml.org/spec/1.2.2: anchors 3.2.2.2 / aliases 7.1, core schema nulls 10.3.2, flow mappings 7.4) and the merge key
 * type (yaml.org/type/merge.html: own keys override merged ones, earlier merged mappings win); Kubernetes decodes
 * manifests with sigs.k8s.io/yaml (go-yaml), which reads {@code ~}, {@code null} and an empty value as null.
 */
class ResourcesEditorShapesTest {
    static final SourceRef DEPLOY = new SourceRef("app.yaml", "manifest", "Deployment", "shop", "web", null);
    static final SourceRef VALUES = new SourceRef("values.yaml", "helm", null, null, null, "{container}.resources");

    static Edit cpuMem(SourceRef ref, String container, String cpu, String mem) {
        return new Edit(ref, container, new ResourceValues(cpu, mem, null, null));
    }

    static Arguments row(String shape, String in, Edit edit, String expected) {
        return Arguments.of(shape, in, edit, expected);
    }

    static Stream<Arguments> shapes() {
        String deploy = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: shop
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: web:1 # {{ .Values.image }} stays a comment
                          resources:
                            requests:
                              cpu: "500m"   # PCI load test 2025-03
                              memory: '512Mi'
                            limits:
                              memory: 1Gi
                """;
        return Stream.of(
                row("quotes kept, trailing comments kept", deploy, cpuMem(DEPLOY, "app", "250m", "384Mi"),
                        deploy.replace("cpu: \"500m\"", "cpu: \"250m\"").replace("'512Mi'", "'384Mi'")),
                row("CRLF line ends", deploy.replace("\n", "\r\n"), cpuMem(DEPLOY, "app", "250m", null),
                        deploy.replace("\"500m\"", "\"250m\"").replace("\n", "\r\n")),
                row("BOM", "\uFEFF" + deploy, cpuMem(DEPLOY, "app", "250m", null),
                        "\uFEFF" + deploy.replace("\"500m\"", "\"250m\"")),
                row("characters outside the BMP before the value", "# 🚀 rocket\n" + deploy,
                        cpuMem(DEPLOY, "app", "250m", null), "# 🚀 rocket\n" + deploy.replace("\"500m\"", "\"250m\"")),
                row("multi-document: only the target document", """
                        kind: Deployment
                        metadata: {name: web, namespace: other}
                        spec: {template: {spec: {containers: [{name: app, resources: {requests: {cpu: 1}}}]}}}
                        ---
                        kind: Deployment
                        metadata: {name: web, namespace: shop}
                        spec: {template: {spec: {containers: [{name: app, resources: {requests: {cpu: 1}}}]}}}
                        """, cpuMem(DEPLOY, "app", "2", null), """
                        kind: Deployment
                        metadata: {name: web, namespace: other}
                        spec: {template: {spec: {containers: [{name: app, resources: {requests: {cpu: 1}}}]}}}
                        ---
                        kind: Deployment
                        metadata: {name: web, namespace: shop}
                        spec: {template: {spec: {containers: [{name: app, resources: {requests: {cpu: 2}}}]}}}
                        """),
                row("flow style, JSON-like quoted keys", """
                        kind: Deployment
                        metadata: {name: web}
                        spec: {template: {spec: {containers: [{"name": "app", "resources": {"limits": {"cpu": "2"}, "requests": {"cpu": "1", "memory": "1Gi"}}}]}}}
                        """, cpuMem(DEPLOY, "app", "500m", "768Mi"), """
                        kind: Deployment
                        metadata: {name: web}
                        spec: {template: {spec: {containers: [{"name": "app", "resources": {"limits": {"cpu": "2"}, "requests": {"cpu": "500m", "memory": "768Mi"}}}]}}}
                        """),
                row("flow placeholder inside a flow container", """
                        kind: Deployment
                        metadata: {name: web}
                        spec: {template: {spec: {containers: [{name: app, resources: {}}]}}}
                        """, cpuMem(DEPLOY, "app", "100m", "128Mi"), """
                        kind: Deployment
                        metadata: {name: web}
                        spec: {template: {spec: {containers: [{name: app, resources: {requests: {cpu: 100m, memory: 128Mi}}}]}}}
                        """),
                row("nulls: empty, ~ and null are not set and are written as values", """
                        app:
                          resources:
                            requests:
                              cpu:
                              memory: ~ # dropped the chart default
                            limits:
                              cpu: null
                        """, new Edit(VALUES, "app", new ResourceValues("200m", "256Mi", "400m", null)), """
                        app:
                          resources:
                            requests:
                              cpu: 200m
                              memory: 256Mi # dropped the chart default
                            limits:
                              cpu: 400m
                        """),
                row("resources: {} placeholder filled at the file's indentation, commented body kept", """
                        controller:
                            image: x
                            resources: {}
                            #   limits:
                            #     cpu: 100m
                            replicas: 1
                        """, cpuMem(VALUES, "controller", "100m", "128Mi"), """
                        controller:
                            image: x
                            resources:
                                requests:
                                    cpu: 100m
                                    memory: 128Mi
                            #   limits:
                            #     cpu: 100m
                            replicas: 1
                        """),
                row("resources: null and resources: (empty) at the end of a file without a newline",
                        "a:\n  resources: null  # none\nb:\n  resources:",
                        cpuMem(VALUES, "b", "50m", "64Mi"),
                        "a:\n  resources: null  # none\nb:\n  resources:\n    requests:\n      cpu: 50m\n      memory: 64Mi"),
                row("nested empty requests: {} / limits: {}", """
                        exporter:
                          resources:
                            requests: {}
                            limits: {}
                        """, cpuMem(VALUES, "exporter", "10m", "32Mi"), """
                        exporter:
                          resources:
                            requests:
                              cpu: 10m
                              memory: 32Mi
                            limits: {}
                        """),
                row("CRLF placeholder fill uses CRLF", "app:\r\n  resources: {}\r\n  x: 1\r\n",
                        cpuMem(VALUES, "app", "10m", null),
                        "app:\r\n  resources:\r\n    requests:\r\n      cpu: 10m\r\n  x: 1\r\n"),
                row("a missing field in an existing block is added", """
                        app:
                          resources:
                            requests:
                              memory: 1Gi
                        """, cpuMem(VALUES, "app", "300m", "1Gi"), """
                        app:
                          resources:
                            requests:
                              memory: 1Gi
                              cpu: 300m
                        """),
                row("anchor that nobody aliases is safe to edit", """
                        app:
                          resources: &res
                            requests: {cpu: 1}
                        """, cpuMem(VALUES, "app", "2", null), """
                        app:
                          resources: &res
                            requests: {cpu: 2}
                        """),
                row("merge key: own resources override the merged ones and are edited", """
                        base: &base
                          image: x
                          resources: {requests: {cpu: 1}}
                        app:
                          <<: *base
                          resources: {requests: {cpu: 3}}
                        """, cpuMem(VALUES, "app", "2", null), """
                        base: &base
                          image: x
                          resources: {requests: {cpu: 1}}
                        app:
                          <<: *base
                          resources: {requests: {cpu: 2}}
                        """),
                row("commented-out placeholder: the live block goes right below it", """
                        controller:
                          image: x
                          # resources:
                          #   limits:
                          #     cpu: 100m
                          #     memory: 128Mi
                          replicas: 1
                        """, cpuMem(VALUES, "controller", "100m", "128Mi"), """
                        controller:
                          image: x
                          # resources:
                          #   limits:
                          #     cpu: 100m
                          #     memory: 128Mi
                          resources:
                            requests:
                              cpu: 100m
                              memory: 128Mi
                          replicas: 1
                        """),
                row("commented-out placeholder after the last entry, CRLF",
                        "kube-rbac-proxy:\r\n  image: y\r\n  # resources: {}\r\nnext: 1\r\n",
                        cpuMem(VALUES, "kube-rbac-proxy", "10m", null),
                        "kube-rbac-proxy:\r\n  image: y\r\n  # resources: {}\r\n  resources:\r\n    requests:\r\n"
                                + "      cpu: 10m\r\nnext: 1\r\n"),
                row("List kind", """
                        apiVersion: v1
                        kind: List
                        items:
                        - kind: Deployment
                          metadata:
                            name: web
                          spec:
                            template:
                              spec:
                                containers:
                                - name: app
                                  resources:
                                    requests:
                                      cpu: 1
                        """, cpuMem(DEPLOY, "app", "750m", null), """
                        apiVersion: v1
                        kind: List
                        items:
                        - kind: Deployment
                          metadata:
                            name: web
                          spec:
                            template:
                              spec:
                                containers:
                                - name: app
                                  resources:
                                    requests:
                                      cpu: 750m
                        """),
                row("kustomize strategic-merge patch with an init container (native sidecar)", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          template:
                            spec:
                              initContainers:
                              - name: proxy
                                restartPolicy: Always
                                resources:
                                  requests:
                                    memory: 64Mi
                        """, cpuMem(DEPLOY, "proxy", null, "96Mi"), """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          template:
                            spec:
                              initContainers:
                              - name: proxy
                                restartPolicy: Always
                                resources:
                                  requests:
                                    memory: 96Mi
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void editsByteExactly(String shape, String in, Edit edit, String expected) {
        assertThat(ResourcesEditor.apply(in, List.of(edit))).isEqualTo(expected);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("anchored resources used by another container through an alias", """
                        api:
                          resources: &resources
                            requests: {cpu: 100m}
                        sync:
                          resources: *resources
                        """, cpuMem(VALUES, "api", "200m", null),
                        "values.yaml:2: container api: resources anchor &resources at values.yaml:2 is also used through an alias"),
                Arguments.of("the alias side", """
                        api:
                          resources: &resources
                            requests: {cpu: 100m}
                        sync:
                          resources: *resources
                        """, cpuMem(VALUES, "sync", "200m", null),
                        "container sync: resources read through alias *resources (anchor &resources at values.yaml:2)"),
                Arguments.of("scalar anchor reused by the limit", """
                        app:
                          resources:
                            requests: {cpu: &c 200m}
                            limits: {cpu: *c}
                        """, new Edit(VALUES, "app", new ResourceValues("300m", null, "400m", null)),
                        "anchor &c at values.yaml:3 is also used through an alias"),
                Arguments.of("resources only through a merge key", """
                        pre: &talosctl
                          image: talosctl
                          resources: {requests: {cpu: 10m}}
                        main:
                          <<: *talosctl
                          args: [defrag]
                        """, cpuMem(VALUES, "main", "20m", null),
                        "read through merge key <<: *talosctl (anchor &talosctl at values.yaml:1)"),
                Arguments.of("the merge source itself", """
                        pre: &talosctl
                          image: talosctl
                          resources: {requests: {cpu: 10m}}
                        main:
                          <<: *talosctl
                        """, cpuMem(VALUES, "pre", "20m", null),
                        "anchor &talosctl at values.yaml:1 is also used through an alias"),
                Arguments.of("not a quantity", """
                        app:
                          resources:
                            requests: {cpu: "{{ .Values.cpu }}"}
                        """, cpuMem(VALUES, "app", "20m", null), "values.yaml:3: container app: requests.cpu: not a Kubernetes quantity"),
                Arguments.of("custom resource kind without a known container path", """
                        kind: KatibConfig
                        metadata: {name: web}
                        runtime: {suggestions: [{algorithmName: random, resources: {limits: {cpu: 1}}}]}
                        """, cpuMem(new SourceRef("katib.yaml", "manifest", "KatibConfig", null, "web", null), "random", "1", null),
                        "katib.yaml:1: kind KatibConfig (web) is not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithAReasonNamingFileLineAndAnchor(String shape, String in, Edit edit, String reason) {
        assertThatThrownBy(() -> ResourcesEditor.apply(in, List.of(edit)))
                .isInstanceOf(YamlEditException.class).hasMessageContaining(reason);
    }

    @Test
    void commentedRbacRulesPvcsAndExampleSidecarsAreNotPlaceholders() {
        String in = """
                rbac:
                  rules: []
                  # - apiGroups: [""]
                  #   resources:
                  #   - pods
                server:
                  image: x
                  # resources:
                  #   requests:
                  #     storage: 50Gi
                sidecar:
                  image: z
                      # resources: {}
                """;
        var blocks = ResourcesEditor.blocks(ResourcesEditor.parsed("v.yaml", in), VALUES,
                List.of("rbac", "server", "sidecar"));
        assertThat(blocks).isEmpty();
        assertThat(ResourcesEditor.hasValuesPath(in, "server.resources")).isFalse();
        assertThat(ResourcesEditor.hasValuesPath("server:\n  # resources: {}\n  image: x\n", "server.resources")).isTrue();
    }

    @Test
    void mergeKeysReadAsTheValuesTheyMerge() {
        String in = """
                defaults: &d
                  resources: {requests: {cpu: 10m, memory: ~}, limits: {memory: 64Mi}}
                main:
                  <<: *d
                """;
        ResourcesEditor.Block b = ResourcesEditor.blocks(ResourcesEditor.parsed("v.yaml", in), VALUES, List.of("main"))
                .get("main");
        assertThat(b.values()).isEqualTo(new ResourceValues("10m", null, null, "64Mi"));
        assertThat(b.skipped()).contains("merge key <<: *d");
    }

    @Test
    void nullsAndPlaceholdersReadAsNotSet() {
        String in = """
                a: {resources: {requests: {cpu: , memory: null}, limits: {cpu: ~}}}
                b: {resources: {}}
                c: {resources: null}
                d: {resources: {requests: {cpu: "null"}}}
                """;
        var blocks = ResourcesEditor.blocks(ResourcesEditor.parsed("v.yaml", in), VALUES, List.of("a", "b", "c", "d", "e"));
        assertThat(blocks.get("a").values()).isEqualTo(ResourceValues.PLACEHOLDER);
        assertThat(blocks.get("b").values()).isEqualTo(ResourceValues.PLACEHOLDER);
        assertThat(blocks.get("c").values()).isEqualTo(ResourceValues.PLACEHOLDER);
        assertThat(blocks.get("d").skipped()).contains("requests.cpu: not a Kubernetes quantity: 'null'");
        assertThat(blocks).doesNotContainKey("e");
    }

    @Test
    void kserveAndKatibContainerListsAreReachable() {
        String kserve = """
                apiVersion: serving.kserve.io/v1alpha1
                kind: ClusterServingRuntime
                metadata:
                  name: kserve-sklearnserver
                spec:
                  containers:
                    - name: kserve-container
                      resources:
                        requests:
                          cpu: "1"
                """;
        SourceRef csr = new SourceRef("k.yaml", "manifest", "ClusterServingRuntime", null, "kserve-sklearnserver", null);
        assertThat(ResourcesEditor.apply(kserve, List.of(cpuMem(csr, "kserve-container", "500m", null))))
                .isEqualTo(kserve.replace("cpu: \"1\"", "cpu: \"500m\""));
        String katib = """
                runtime:
                  suggestions:
                    - algorithmName: random
                      resources:
                        limits:
                          cpu: 500m
                """;
        SourceRef path = new SourceRef("katib.yaml", "helm", null, null, null,
                "runtime.suggestions[algorithmName={container}].resources");
        assertThat(ResourcesEditor.apply(katib, List.of(new Edit(path, "random", new ResourceValues(null, null, "1", null)))))
                .isEqualTo(katib.replace("cpu: 500m", "cpu: 1"));
    }

    @Test
    void parseFailureIsOneLineWithFileLineAndTheParsersReason() {
        assertThatThrownBy(() -> ResourcesEditor.parsed("bad.yaml", "a: 1\n b: 2\nsecret: hunter2\n"))
                .isInstanceOf(YamlEditException.class)
                .hasMessage("bad.yaml:2:3: mapping values are not allowed here");
    }

    @Test
    void everyEditIsProvenByReparse() {
        // a splice that would re-parse differently (here: a value the quoting rules would turn into a bool) is caught
        String in = "app:\n  resources:\n    requests:\n      cpu: 1\n";
        assertThat(ResourcesEditor.apply(in, List.of(cpuMem(VALUES, "app", "yes", null))))
                .isEqualTo("app:\n  resources:\n    requests:\n      cpu: \"yes\"\n");
        assertThat(Map.of()).isEmpty();
    }
}
