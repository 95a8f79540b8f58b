package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** k8s/ is exactly what the renderer produces from schedules/, and what it produces is a safe, runnable base. */
class K8sRendererTest {
    static final Path K8S = Path.of("../k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final List<JobSchedule> schedules = new ScheduleLoader().load(Path.of("../schedules"));
    final SortedMap<String, String> rendered = new K8sRenderer().render(schedules);

    @Test
    void committedK8sFolderHasNotDriftedFromSchedules() throws IOException {
        if (Boolean.getBoolean("kubechores.updateK8s")) new K8sRenderer().write(schedules, K8S);
        SortedMap<String, String> committed = new TreeMap<>();
        try (Stream<Path> s = Files.walk(K8S)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml")).toList()) {
                committed.put(K8S.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        assertThat(committed.keySet())
                .as("k8s/ files vs render-k8s output: re-render with `kubechores render-k8s --out k8s` "
                        + "(or this test with -Dkubechores.updateK8s=true)")
                .containsExactlyElementsOf(rendered.keySet());
        for (var e : rendered.entrySet()) {
            assertThat(committed.get(e.getKey())).as("k8s/%s drifted from schedules/: re-render it", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void everyScheduleBecomesACronJobRunningItsJobWithItsOwnServiceAccount() throws IOException {
        Map<String, JsonNode> accounts = new TreeMap<>();
        for (var e : rendered.entrySet()) {
            for (JsonNode doc : docs(e.getValue())) {
                if (doc.path("kind").asText().equals("ServiceAccount")) accounts.put(doc.at("/metadata/name").asText(), doc);
            }
        }
        for (JobSchedule s : schedules) {
            JsonNode cj = docs(rendered.get("cronjobs/" + s.name() + ".yaml")).getFirst();
            assertThat(cj.path("kind").asText()).isEqualTo("CronJob");
            assertThat(cj.at("/spec/schedule").asText()).isEqualTo(s.cron());
            assertThat(cj.at("/spec/timeZone").asText()).isEqualTo(s.timeZone().getId());
            assertThat(cj.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
            assertThat(cj.at("/spec/suspend").asBoolean()).isEqualTo(!s.enabled());
            JsonNode pod = cj.at("/spec/jobTemplate/spec/template/spec");
            String sa = pod.path("serviceAccountName").asText();
            assertThat(sa).isEqualTo("kubechores-" + s.job());
            assertThat(accounts).as("ServiceAccount %s exists in the base", sa).containsKey(sa);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            JsonNode c = pod.path("containers").get(0);
            assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
            assertThat(c.at("/resources/requests/cpu").asText()).isNotEmpty();
            assertThat(c.at("/resources/limits/memory").asText()).isNotEmpty();
            List<String> args = new ArrayList<>();
            c.path("args").forEach(a -> args.add(a.asText()));
            assertThat(args).isEqualTo(K8sRenderer.args(s));
        }
    }

    @Test
    void argsCarryTheScheduleOverrides() {
        JobSchedule plain = schedules.stream().filter(s -> s.name().equals("certs-daily")).findFirst().orElseThrow();
        JobSchedule plan = schedules.stream().filter(s -> s.name().equals("certs-prod-plan-weekly")).findFirst().orElseThrow();
        assertThat(K8sRenderer.args(plain)).containsExactly("run", "certs", "--repo", "$(KUBECHORES_REPO)");
        assertThat(K8sRenderer.args(plan)).containsExactly("plan", "certs", "--repo", "$(KUBECHORES_REPO)",
                "--ref", "release", "--cluster", "prod-eu-1", "--cluster", "prod-us-1");
        JobSchedule otherRepo = new JobSchedule("x", "promote", "", "0 * * * *", plain.timeZone(),
                new JobSchedule.Args(false, List.of(), "https://git.example.com/other.git", null), true, "Forbid", plain.location());
        assertThat(K8sRenderer.args(otherRepo)).containsExactly("run", "promote", "--repo", "https://git.example.com/other.git");
    }

    @Test
    void rbacIsLeastPrivilegePerJob() throws IOException {
        Map<String, List<String>> grants = new TreeMap<>();
        for (String job : List.of("downscale", "rightsize", "quotas", "certs", "promote")) {
            List<String> g = new ArrayList<>();
            for (JsonNode doc : docs(rendered.get("rbac/" + job + ".yaml"))) {
                if (!doc.path("kind").asText().equals("ClusterRole")) continue;
                for (JsonNode rule : doc.path("rules")) {
                    for (JsonNode group : rule.path("apiGroups")) for (JsonNode res : rule.path("resources"))
                        for (JsonNode verb : rule.path("verbs")) g.add(verb.asText() + " " + (group.asText().isEmpty() ? "" : group.asText() + "/") + res.asText());
                }
            }
            grants.put(job, g);
        }
        // which verbs each job gets is derived from the code by RbacFromCodeIT; the invariants hold here:
        // only downscale writes to clusters; nobody may delete, create workloads, escalate or use wildcards
        assertThat(grants.get("downscale")).anyMatch(g -> g.startsWith("patch "));
        for (String job : List.of("rightsize", "quotas", "certs", "promote")) {
            assertThat(grants.get(job)).allMatch(g -> g.startsWith("get ") || g.startsWith("list "), job + " is read-only");
        }
        assertThat(grants.values().stream().flatMap(List::stream))
                .noneMatch(g -> g.contains("*") || g.startsWith("delete") || g.startsWith("escalate") || g.startsWith("bind"));
        assertThat(grants.get("downscale")).noneMatch(g -> g.contains("secrets"));
        assertThat(grants.get("rightsize")).noneMatch(g -> g.contains("secrets"));
        // quotas works through AWS (IRSA); on clusters it only lists Karpenter NodePools (QuotaPolicy karpenterFromClusters)
        JsonNode quotas = docs(rendered.get("rbac/quotas.yaml")).getFirst();
        assertThat(docs(rendered.get("rbac/quotas.yaml"))).extracting(d -> d.path("kind").asText())
                .containsExactly("ServiceAccount", "ClusterRole", "ClusterRoleBinding");
        assertThat(grants.get("quotas")).containsExactly("list karpenter.sh/nodepools");
        assertThat(quotas.at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText()).startsWith("arn:aws:iam::");
    }

    @Test
    void aShardedScheduleBecomesAnIndexedJobWhosePodsEachRunOneShard() throws IOException {
        List<JobSchedule> sharded = new ScheduleLoader().load(Path.of("src/test/resources/runner/schedules-sharded"));
        SortedMap<String, String> out = new K8sRenderer().render(sharded);
        JsonNode cj = docs(out.get("cronjobs/downscale-sharded.yaml")).getFirst();
        JsonNode job = cj.at("/spec/jobTemplate/spec");
        assertThat(job.path("completionMode").asText()).isEqualTo("Indexed");
        assertThat(job.path("completions").asInt()).isEqualTo(3);
        assertThat(job.path("parallelism").asInt()).isEqualTo(3);
        // one failed shard fails its own index only; a Job-wide backoffLimit of 0 would stop the other shards
        assertThat(job.path("backoffLimitPerIndex").asInt(-1)).isZero();
        assertThat(job.has("backoffLimit")).isFalse();
        JsonNode c = job.at("/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly("run", "downscale", "--repo", "$(KUBECHORES_REPO)", "--shard", "$(JOB_COMPLETION_INDEX)/3");
        // $(JOB_COMPLETION_INDEX) expands only from an env var of the container: the pod's completion-index annotation
        assertThat(c.path("env").get(0).path("name").asText()).isEqualTo("JOB_COMPLETION_INDEX");
        assertThat(c.path("env").get(0).at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        assertThat(c.path("env").findValuesAsText("name")).contains("KUBECHORES_REPO", "HOME");
        // everything else of the CronJob is as for an unsharded schedule
        assertThat(cj.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
        assertThat(job.at("/template/spec/restartPolicy").asText()).isEqualTo("Never");
        assertThat(job.at("/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();

        // unsharded schedules keep a plain Job
        for (JobSchedule s : schedules) {
            JsonNode plain = docs(rendered.get("cronjobs/" + s.name() + ".yaml")).getFirst().at("/spec/jobTemplate/spec");
            assertThat(plain.has("completionMode")).isFalse();
            assertThat(plain.path("backoffLimit").asInt(-1)).isZero();
        }
    }

    @Test
    void networkPolicyDeniesByDefaultOpensTheRunnerPortAndLimitsEgress() throws IOException {
        assertThat(rendered.get("kustomization.yaml")).contains("  - networkpolicy.yaml\n");
        Map<String, JsonNode> policies = new TreeMap<>();
        for (JsonNode d : docs(rendered.get("networkpolicy.yaml"))) {
            assertThat(d.path("kind").asText()).isEqualTo("NetworkPolicy");
            assertThat(d.at("/metadata/namespace").asText()).isEqualTo("kubechores");
            policies.put(d.at("/metadata/name").asText(), d.path("spec"));
        }
        assertThat(policies).containsOnlyKeys("kubechores-default-deny", "kubechores-egress", "kubechores-runner-ingress");

        JsonNode deny = policies.get("kubechores-default-deny");
        assertThat(deny.path("podSelector").isEmpty()).as("every pod of the namespace").isTrue();
        assertThat(deny.path("policyTypes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.has("ingress")).isFalse();
        assertThat(deny.has("egress")).isFalse();

        // the job pods (CronJob template labels) get no ingress rule at all: only the runner's port is open
        JsonNode ingress = policies.get("kubechores-runner-ingress");
        assertThat(ingress.at("/podSelector/matchLabels/app.kubernetes.io~1component").asText()).isEqualTo("runner");
        assertThat(ingress.path("ingress")).singleElement().satisfies(rule -> {
            // only the named namespaces (issue 23: any source could reach 8080), selected by the label the API
            // server sets on every namespace (Kubernetes docs, "Automatic labelling": kubernetes.io/metadata.name)
            assertThat(rule.path("from")).singleElement().satisfies(from -> {
                JsonNode expr = from.at("/namespaceSelector/matchExpressions/0");
                assertThat(expr.path("key").asText()).isEqualTo("kubernetes.io/metadata.name");
                assertThat(expr.path("operator").asText()).isEqualTo("In");
                assertThat(expr.path("values")).extracting(JsonNode::asText).containsExactly("monitoring", "ingress-nginx");
                assertThat(from.has("podSelector")).isFalse();
            });
            assertThat(rule.path("ports")).extracting(p -> p.path("protocol").asText() + "/" + p.path("port").asText())
                    .containsExactly("TCP/8080");
        });
        JsonNode runner = docs(rendered.get("runner/runner.yaml")).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        assertThat(runner.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt()).isEqualTo(8080);
        for (JobSchedule s : schedules) {
            JsonNode labels = docs(rendered.get("cronjobs/" + s.name() + ".yaml")).getFirst()
                    .at("/spec/jobTemplate/spec/template/metadata/labels");
            assertThat(labels.path("app.kubernetes.io/component").asText()).isEqualTo("job");
        }

        JsonNode egress = policies.get("kubechores-egress");
        assertThat(egress.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("kubechores");
        List<String> ports = new ArrayList<>();
        for (JsonNode rule : egress.path("egress")) {
            assertThat(rule.has("to")).as("by port, to any address: API servers, AWS and forges have no fixed IPs").isFalse();
            rule.path("ports").forEach(p -> ports.add(p.path("protocol").asText() + "/" + p.path("port").asText()));
        }
        assertThat(ports).containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/443", "TCP/6443", "TCP/22");
    }

    /** Issue 14: history, the certs alert memory, audit trail and reports vanished with every CronJob pod. */
    @Test
    void noPodKeepsItsHomeOnAnEmptyDir() throws IOException {
        int pods = 0;
        for (var e : rendered.entrySet()) {
            for (JsonNode doc : docs(e.getValue())) {
                JsonNode spec = switch (doc.path("kind").asText()) {
                    case "CronJob" -> doc.at("/spec/jobTemplate/spec/template/spec");
                    case "Job", "Deployment" -> doc.at("/spec/template/spec");
                    default -> null;
                };
                if (spec == null) continue;
                pods++;
                String home = null;
                for (JsonNode c : spec.path("containers")) {
                    for (JsonNode m : c.path("volumeMounts")) {
                        if (m.path("mountPath").asText().equals("/home/kubechores")) home = m.path("name").asText();
                    }
                }
                assertThat(home).as("%s mounts a home", e.getKey()).isNotNull();
                for (JsonNode v : spec.path("volumes")) {
                    if (!v.path("name").asText().equals(home)) continue;
                    assertThat(v.has("emptyDir")).as("%s: home on an emptyDir", e.getKey()).isFalse();
                    assertThat(v.at("/persistentVolumeClaim/claimName").asText()).as(e.getKey()).isEqualTo("kubechores-home");
                }
            }
        }
        assertThat(pods).isGreaterThanOrEqualTo(schedules.size() + 1);
        List<JsonNode> state = docs(rendered.get("state.yaml"));
        assertThat(state).anySatisfy(d -> {
            assertThat(d.path("kind").asText()).isEqualTo("PersistentVolumeClaim");
            assertThat(d.at("/metadata/name").asText()).isEqualTo("kubechores-home");
        });
        assertThat(rendered.get("kustomization.yaml")).contains("  - state.yaml\n");
    }

    /** k8s/target: each job's ClusterRole with exactly its k8s/rbac rules, bound only to the central group. */
    @Test
    void targetClusterBaseGrantsEachJobsRbacRulesToTheCentralGroup() throws IOException {
        List<String> withRole = new ArrayList<>();
        for (String job : JobPermissions.JOBS) {
            JsonNode rbacRole = JobPermissions.clusterRole(job);
            String file = "target/" + job + ".yaml";
            if (rbacRole == null) {
                assertThat(rendered).doesNotContainKey(file);
                continue;
            }
            withRole.add(job + ".yaml");
            List<JsonNode> docs = docs(rendered.get(file));
            JsonNode role = docs.stream().filter(d -> d.path("kind").asText().equals("ClusterRole")).findFirst().orElseThrow();
            assertThat(role.at("/metadata/name").asText()).isEqualTo("kubechores-" + job);
            assertThat(role.path("rules")).as(job).isEqualTo(rbacRole.path("rules"));
            JsonNode binding = docs.stream().filter(d -> d.path("kind").asText().equals("ClusterRoleBinding")).findFirst().orElseThrow();
            assertThat(binding.at("/roleRef/name").asText()).isEqualTo("kubechores-" + job);
            assertThat(binding.path("subjects")).singleElement().satisfies(sub -> {
                assertThat(sub.path("kind").asText()).isEqualTo("Group");
                assertThat(sub.path("name").asText()).isEqualTo(K8sRenderer.CENTRAL_GROUP);
            });
            assertThat(docs).extracting(d -> d.path("kind").asText()).containsOnly("ClusterRole", "ClusterRoleBinding");
        }
        assertThat(withRole).contains("downscale.yaml", "rightsize.yaml", "certs.yaml", "promote.yaml");
        String k = rendered.get("target/kustomization.yaml");
        for (String f : withRole) assertThat(k).contains("  - " + f + "\n");
        assertThat(rendered.get("kustomization.yaml")).doesNotContain("target/");
    }

    @Test
    void writeRemovesCronJobsOfDeletedSchedules(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("cronjobs"));
        Files.writeString(dir.resolve("cronjobs/old-schedule.yaml"), "kind: CronJob\n");
        new K8sRenderer().write(schedules, dir);
        assertThat(dir.resolve("cronjobs/old-schedule.yaml")).doesNotExist();
        assertThat(dir.resolve("kustomization.yaml")).content().contains("  - cronjobs/certs-daily.yaml\n")
                .doesNotContain("old-schedule");
        assertThat(dir.resolve("rbac/downscale.yaml")).exists();
    }

    private static List<JsonNode> docs(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) out.add(it.next());
        }
        return out;
    }
}
