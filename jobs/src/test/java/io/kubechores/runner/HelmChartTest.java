package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.kubechores.runner.schedule.JobSchedule;
import io.kubechores.runner.schedule.ScheduleLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * charts/kubechores renders the same objects as the kustomize base k8s/ for the same schedules/, and its values
 * (modes, database, persistence, IRSA, target clusters) do what they say. Helm is helm-java's embedded Helm 3
 * (https://github.com/manusa/helm-java: `helm lint`, `helm template` as library calls); every test needing it skips
 * where its native library cannot load (another OS/architecture), the generated-parts drift test never skips.
 */
class HelmChartTest {
    static final Path CHART = Path.of("../charts/kubechores");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Labels Helm charts add by convention (Helm docs, "Labels and Annotations"); the base has none of them. */
    static final List<String> HELM_LABELS = List.of("helm.sh/chart", "app.kubernetes.io/instance",
            "app.kubernetes.io/managed-by", "app.kubernetes.io/version");
    static final String REPO = "https://git.invalid/platform/fleet.git";

    /** `helm template` assumes Kubernetes 1.20 without a cluster; the chart needs 1.27+ (CronJob timeZone is GA there). */
    static final String KUBE = "1.30.0";

    static final boolean helm = loadHelm();

    final List<JobSchedule> schedules = new ScheduleLoader().load(Path.of("../schedules"));

    static boolean loadHelm() {
        try {
            Helm.version().call();
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError / IllegalStateException: no native Helm for this platform
            return false;
        }
    }

    @Test
    void generatedPartsOfTheChartHaveNotDriftedFromSchedulesAndRbac() throws IOException {
        if (Boolean.getBoolean("kubechores.updateK8s")) HelmChartRenderer.write(CHART, schedules);
        for (var e : HelmChartRenderer.render(CHART, schedules).entrySet()) {
            assertThat(Files.readString(CHART.resolve(e.getKey()), StandardCharsets.UTF_8))
                    .as("charts/kubechores/%s drifted: `kubechores render-k8s --out k8s --chart charts/kubechores` "
                            + "(or this test with -Dkubechores.updateK8s=true)", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    /** Issue 22: the base named account 111111111111 and git.example.com; nobody's install should carry either. */
    @Test
    void noAccountIdOrExampleHostInTheBaseOrTheChart() throws IOException {
        java.util.regex.Pattern account = java.util.regex.Pattern.compile("(?<![0-9])[0-9]{12}(?![0-9])");
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(Path.of("../k8s"), CHART)) {
            try (var files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".md")).toList()) {
                    String text = Files.readString(f);
                    if (account.matcher(text).find() || text.contains("example.com")) offenders.add(f.toString());
                }
            }
        }
        assertThat(offenders).as("files with an account id or example host").isEmpty();
        // the placeholder the CLI recognises and refuses with what to patch (cli.Main.REPO_PLACEHOLDER, ValidateSarifIT)
        assertThat(Files.readString(Path.of("../k8s/config.yaml"))).contains("repo: REPLACE_WITH_YOUR_FLEET_REPO_URL\n");
    }

    @Test
    void helmLintPassesStrictly() {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        LintResult r = new Helm(CHART).lint().strict().call();
        assertThat(r.isFailed()).as("helm lint --strict: %s", r.getMessages()).isFalse();
    }

    @Test
    void cronJobsEqualTheKustomizeBaseForTheSameSchedules() throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        Map<String, JsonNode> chart = byKindName(render(t -> {}));
        var rendered = new K8sRenderer().render(schedules);
        int cronJobs = 0;
        for (JobSchedule s : schedules) {
            ObjectNode base = (ObjectNode) docs(rendered.get("cronjobs/" + s.name() + ".yaml")).getFirst();
            // what the kustomization's images: transformer does to the placeholder image
            ((ObjectNode) base.at("/spec/jobTemplate/spec/template/spec/containers/0"))
                    .put("image", K8sRenderer.Options.DEFAULTS.imageName() + ":" + K8sRenderer.Options.DEFAULTS.imageTag());
            assertThat(chart.get("CronJob/" + s.name())).as("chart CronJob %s", s.name()).isEqualTo(base);
            cronJobs++;
        }
        assertThat(chart.keySet().stream().filter(k -> k.startsWith("CronJob/"))).hasSize(cronJobs);
    }

    @Test
    void rbacNetworkPolicyConfigAndRunnerEqualTheBase() throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        Map<String, JsonNode> chart = byKindName(render(t -> t.set("irsa.roleArn", "arn:aws:iam::123456789012:role/kubechores")));
        Map<String, JsonNode> base = new TreeMap<>();
        for (var e : new K8sRenderer().render(schedules).entrySet()) {
            if (e.getKey().startsWith("target/") || e.getKey().startsWith("cronjobs/") || e.getKey().equals("kustomization.yaml")
                    || e.getKey().equals("namespace.yaml")) continue;
            base.putAll(byKindName(docs(e.getValue())));
        }
        for (var e : base.entrySet()) {
            JsonNode want = e.getValue().deepCopy();
            if (e.getKey().equals("ConfigMap/kubechores")) ((ObjectNode) want.path("data")).put("repo", REPO);
            if (e.getKey().startsWith("ServiceAccount/")) {
                // the base annotates quotas and the runner with a placeholder ARN; the chart every SA with irsa.roleArn
                ObjectNode md = (ObjectNode) want.path("metadata");
                md.remove("annotations");
                md.putObject("annotations").put("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/kubechores");
            }
            if (e.getKey().equals("PersistentVolumeClaim/kubechores-home")) {
                // `helm uninstall` keeps the volume (history, reports, audit trail): Helm docs, "Tell Helm Not To
                // Uninstall a Resource"
                ((ObjectNode) want.path("metadata")).putObject("annotations").put("helm.sh/resource-policy", "keep");
            }
            if (e.getKey().equals("Deployment/kubechores-runner")) {
                ObjectNode c = (ObjectNode) want.at("/spec/template/spec/containers/0");
                c.put("image", "ghcr.io/kubechores/kubechores:0.1.0");
            }
            assertThat(chart.get(e.getKey())).as("chart %s vs k8s/", e.getKey()).isEqualTo(want);
        }
    }

    @Test
    void targetClusterModeRendersOnlyEachJobsClusterRoleBoundToTheCentralGroup() throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        List<JsonNode> chart = render(t -> t.set("targetCluster.enabled", "true"));
        Map<String, JsonNode> target = new TreeMap<>();
        for (var e : new K8sRenderer().render(schedules).entrySet()) {
            if (e.getKey().startsWith("target/") && !e.getKey().endsWith("kustomization.yaml")) target.putAll(byKindName(docs(e.getValue())));
        }
        assertThat(byKindName(chart)).isEqualTo(target);
        assertThat(chart).extracting(d -> d.path("kind").asText()).containsOnly("ClusterRole", "ClusterRoleBinding");

        List<JsonNode> other = render(t -> t.set("targetCluster.enabled", "true").set("targetCluster.group", "platform:kubechores"));
        assertThat(other).filteredOn(d -> d.path("kind").asText().equals("ClusterRoleBinding")).isNotEmpty()
                .allSatisfy(b -> assertThat(b.at("/subjects/0/name").asText()).isEqualTo("platform:kubechores"));
    }

    @Test
    void runnerModeHasNoCronJobsAndTheRunnerSchedulesTheSameSchedules(@TempDir Path tmp) throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        List<JsonNode> docs = render(t -> t.set("mode", "runner"));
        assertThat(docs).noneMatch(d -> d.path("kind").asText().equals("CronJob"));
        JsonNode runner = byKindName(docs).get("Deployment/kubechores-runner");
        JsonNode env = runner.at("/spec/template/spec/containers/0/env");
        assertThat(envValue(env, "KUBECHORES_RUNNER_SCHEDULING_ENABLED")).isEqualTo("true");
        assertThat(envValue(env, "KUBECHORES_RUNNER_SCHEDULES")).isEqualTo("/etc/kubechores/schedules");
        // a schedule change in values rolls the runner (Quartz reads the schedules at start)
        assertThat(runner.at("/spec/template/metadata/annotations/checksum~1schedules").asText()).hasSize(64);
        assertThat(runner.at("/spec/template/metadata/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
        // the ConfigMap the runner reads its schedules from loads into exactly the schedules of schedules/
        JsonNode cm = byKindName(docs).get("ConfigMap/kubechores-schedules");
        // laid out as the kubelet mounts a ConfigMap: the files live in a timestamped folder, ..data links to it and
        // each key is a link into ..data (Kubernetes docs, "ConfigMaps": mounted ConfigMaps are updated atomically)
        Path dir = Files.createDirectories(tmp.resolve("schedules"));
        Path stamped = Files.createDirectories(dir.resolve("..2026_12_04_22_00_00.000000001"));
        Files.createSymbolicLink(dir.resolve("..data"), stamped.getFileName());
        for (var f : cm.path("data").properties()) {
            Files.writeString(stamped.resolve(f.getKey()), f.getValue().asText());
            Files.createSymbolicLink(dir.resolve(f.getKey()), Path.of("..data", f.getKey()));
        }
        List<JobSchedule> loaded = new ScheduleLoader().load(dir);
        assertThat(loaded).extracting(s -> s.name() + " " + s.job() + " " + s.cron() + " " + s.timeZone() + " " + s.enabled()
                        + " " + s.args().dryRun() + " " + s.args().clusters() + " " + s.args().ref() + " " + s.args().repo())
                .containsExactlyInAnyOrderElementsOf(schedules.stream().map(s -> s.name() + " " + s.job() + " " + s.cron() + " "
                        + s.timeZone() + " " + s.enabled() + " " + s.args().dryRun() + " " + s.args().clusters() + " "
                        + s.args().ref() + " " + s.args().repo()).toList());

        // the default (cronJobs) mode keeps the runner's own scheduling off
        JsonNode cronMode = byKindName(render(t -> {})).get("Deployment/kubechores-runner");
        assertThat(envValue(cronMode.at("/spec/template/spec/containers/0/env"), "KUBECHORES_RUNNER_SCHEDULING_ENABLED")).isEqualTo("false");
    }

    @Test
    void databaseComesFromASecretAndStateNeverDiesWithThePod() throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        List<JsonNode> docs = render(t -> t.set("database.existingSecret", "kubechores-db").set("persistence.enabled", "false"));
        assertThat(docs).noneMatch(d -> d.path("kind").asText().equals("PersistentVolumeClaim"));
        for (JsonNode pod : pods(docs)) {
            JsonNode env = pod.at("/containers/0/env");
            JsonNode url = find(env, "SPRING_DATASOURCE_URL");
            assertThat(url.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("kubechores-db");
            assertThat(url.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("url");
            assertThat(url.has("value")).as("the JDBC URL never sits in the pod spec").isFalse();
        }
        // no database: the home volume is the PVC in every pod
        List<JsonNode> plain = render(t -> {});
        assertThat(plain).filteredOn(d -> d.path("kind").asText().equals("PersistentVolumeClaim")).hasSize(1);
        for (JsonNode pod : pods(plain)) {
            assertThat(find(pod.at("/containers/0/env"), "SPRING_DATASOURCE_URL")).isNull();
            assertThat(find(pod.path("volumes"), "home").at("/persistentVolumeClaim/claimName").asText()).isEqualTo("kubechores-home");
        }
        // neither a database nor a volume: refused, naming both ways out
        assertThatThrownBy(() -> render(t -> t.set("persistence.enabled", "false")))
                .hasMessageContaining("database.existingSecret").hasMessageContaining("persistence.enabled");
        assertThatThrownBy(() -> render(t -> t.set("runner.replicas", "2"))).hasMessageContaining("database.existingSecret");
        // repo is required
        assertThatThrownBy(() -> new Helm(CHART).template().withName("kubechores").withNamespace("kubechores").withKubeVersion(KUBE).call())
                .hasMessageContaining("repo");
    }

    @Test
    void irsaAnnotatesEveryServiceAccountOnlyWhenSet() throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        assertThat(render(t -> {})).filteredOn(d -> d.path("kind").asText().equals("ServiceAccount")).hasSize(6)
                .allSatisfy(sa -> assertThat(sa.at("/metadata/annotations").isMissingNode()).isTrue());
        assertThat(render(t -> t.set("irsa.roleArn", "arn:aws:iam::123456789012:role/kc")))
                .filteredOn(d -> d.path("kind").asText().equals("ServiceAccount")).hasSize(6)
                .allSatisfy(sa -> assertThat(sa.at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText())
                        .isEqualTo("arn:aws:iam::123456789012:role/kc"));
    }

    @Test
    void scheduleOverridesInValuesChangeTheCronJob() throws IOException {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        Map<String, JsonNode> docs = byKindName(render(t -> t.set("schedules.certs-daily.enabled", "false")
                .set("schedules.downscale-every-15-min.shards", "3").set("image.digest", "sha256:" + "a".repeat(64))));
        assertThat(docs.get("CronJob/certs-daily").at("/spec/suspend").asBoolean()).isTrue();
        JsonNode sharded = docs.get("CronJob/downscale-every-15-min").at("/spec/jobTemplate/spec");
        assertThat(sharded.path("completionMode").asText()).isEqualTo("Indexed");
        assertThat(sharded.path("completions").asInt()).isEqualTo(3);
        assertThat(sharded.at("/template/spec/containers/0/args")).extracting(JsonNode::asText)
                .containsExactly("run", "downscale", "--repo", "$(KUBECHORES_REPO)", "--shard", "$(JOB_COMPLETION_INDEX)/3");
        assertThat(sharded.at("/template/spec/containers/0/image").asText()).endsWith("@sha256:" + "a".repeat(64));
    }

    /** values.schema.json: Helm checks values against it before rendering (Helm docs, "Schema Files"). */
    @Test
    void valuesThatMakeNoSenseAreRefusedByTheSchema() {
        assumeTrue(helm, "helm-java's native Helm does not load on this platform");
        assertThatThrownBy(() -> render(t -> t.set("mode", "cronjobs"))).hasMessageContaining("mode");
        assertThatThrownBy(() -> render(t -> t.set("schedules.certs-daily.job", "cert"))).hasMessageContaining("job");
        assertThatThrownBy(() -> render(t -> t.set("irsa.roleArn", "kubechores-role"))).hasMessageContaining("roleArn");
        assertThatThrownBy(() -> render(t -> t.set("schedules.certs-daily.shards", "0"))).hasMessageContaining("shards");
    }

    // ---- helpers

    static List<JsonNode> render(Consumer<TemplateCommand> values) throws IOException {
        TemplateCommand t = new Helm(CHART).template().withName("kubechores").withNamespace("kubechores").withKubeVersion(KUBE).set("repo", REPO);
        values.accept(t);
        return docs(t.call()).stream().map(HelmChartTest::withoutHelmLabels).toList();
    }

    static JsonNode withoutHelmLabels(JsonNode d) {
        if (d.at("/metadata/labels") instanceof ObjectNode l) l.remove(HELM_LABELS);
        return d;
    }

    static List<JsonNode> pods(List<JsonNode> docs) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d : docs) {
            switch (d.path("kind").asText()) {
                case "CronJob" -> out.add(d.at("/spec/jobTemplate/spec/template/spec"));
                case "Deployment" -> out.add(d.at("/spec/template/spec"));
                default -> {}
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode e : list) if (e.path("name").asText().equals(name)) return e;
        return null;
    }

    static String envValue(JsonNode env, String name) {
        JsonNode e = find(env, name);
        return e == null ? null : e.path("value").asText();
    }

    static Map<String, JsonNode> byKindName(List<JsonNode> docs) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode d : docs) {
            String key = d.path("kind").asText() + "/" + d.at("/metadata/name").asText();
            assertThat(out).as("two objects named %s", key).doesNotContainKey(key);
            out.put(key, d);
        }
        return out;
    }

    static List<JsonNode> docs(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode() && !n.isEmpty()) out.add(n);
            }
        }
        return out;
    }
}
