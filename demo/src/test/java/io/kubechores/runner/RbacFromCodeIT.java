package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.KubechoresApplication;
import io.kubechores.core.Chore;
import io.kubechores.demo.DemoContribution;
import io.kubechores.platform.StateStore;
import io.kubechores.demo.DemoEnvironment;
import io.kubechores.demo.DemoPlatformProvider;
import io.kubechores.testkit.kube.SimulatedCluster;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least-privilege RBAC derived from the code: every job runs its demo steps (the same runs as `kubechores demo`:
 * the example fleet on simulated API servers, every kind the jobs handle seeded, a real scale-down and restore,
 * cert scans, promotions) through the real launcher, while each simulated API server records every request. Each
 * request becomes the RBAC permission it needs (method + path: GET a collection = list, GET a name = get,
 * ?watch=true = watch, POST = create, PUT = update, PATCH = patch, DELETE = delete), and the job's ClusterRole in
 * the rendered k8s/ must grant exactly that: everything observed, nothing else but the extras listed below with
 * their reason.
 */
class RbacFromCodeIT {
    static final List<String> ORDER = List.of("downscale", "rightsize", "quotas", "certs", "promote");

    /** Grants a job has that its demo runs do not exercise, each with the code path that needs it. */
    static final Map<String, Map<String, String>> JUSTIFIED_EXTRAS = Map.of(
            "downscale", Map.of(
                    "patch kustomize.toolkit.fluxcd.io/kustomizations", "DownscaleGitOpsIT: pauses/resumes a Flux owner; the demo has none",
                    "patch helm.toolkit.fluxcd.io/helmreleases", "DownscaleGitOpsIT: pauses/resumes a Flux owner; the demo has none",
                    "patch argoproj.io/applications", "DownscaleGitOpsIT: pauses/resumes an Argo CD owner; the demo has none"),
            "rightsize", Map.of(
                    "list apps/statefulsets", "RightsizeKube.collect lists each kind a VPA targets; the example's VPAs target Deployments",
                    "list apps/daemonsets", "RightsizeKube.collect lists each kind a VPA targets; the example's VPAs target Deployments"),
            "certs", Map.of(
                    "get secrets", "CaBundles.fromCluster (caBundle.secret) and Keystores (passwordSecret) read one Secret by name; the example uses neither",
                    "get configmaps", "CaBundles.fromCluster reads a caBundle.configMap by name; the example uses none",
                    "list nodes", "CertsKube.kubelets (scan.kubelets: kubelet serving certificates); the example policy's scan leaves it off"),
            "promote", Map.of(
                    "get apps/daemonsets", "PromoteKube reads a tool's health-check workload by name; no example tool is a DaemonSet",
                    "get apps/controllerrevisions", "PromoteKube dates a StatefulSet rollout by its status.updateRevision; the simulated StatefulSets have none"));

    @TempDir
    static Path home;
    static ConfigurableApplicationContext ctx;
    /** job → "verb group/resource" observed during its runs. */
    static final SortedMap<String, SortedSet<String>> observed = new TreeMap<>();
    /** job → requests that are not resource requests (discovery: /api, /apis, /version). */
    static final SortedMap<String, SortedSet<String>> nonResource = new TreeMap<>();
    static final List<String> runs = new ArrayList<>();

    @BeforeAll
    static void runEveryJobsDemoRecordingTheApiRequests() {
        System.setProperty("kubechores.home", home.toString());
        SpringApplication app = new SpringApplication(KubechoresApplication.class);
        app.setBannerMode(Banner.Mode.OFF);
        app.setWebApplicationType(WebApplicationType.NONE);
        ctx = app.run();
        List<DemoContribution> contributions = ctx.getBeansOfType(DemoContribution.class).values().stream()
                .sorted(java.util.Comparator.comparingInt(c -> ORDER.indexOf(c.job()))).toList();
        assertThat(contributions).extracting(DemoContribution::job).containsExactlyElementsOf(ORDER);
        Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.MINUTES), ZoneId.of("UTC"));
        KubechoresProperties props = ctx.getBean(KubechoresProperties.class);
        try (DemoEnvironment env = DemoEnvironment.start(home.resolve("world"), clock, contributions)) {
            BatchChoreLauncher launcher = new BatchChoreLauncher(ctx.getBeansOfType(Chore.class).values().stream().<Chore<?, ?, ?>>map(c -> c).toList(),
                    ctx.getBean(JobRepository.class), ctx.getBean(JobOperator.class),
                    ctx.getBean(PlatformTransactionManager.class), ctx.getBean(DesiredStateSource.class),
                    new DemoPlatformProvider(env, ctx.getBean(StateStore.class), home), props);
            env.clusters().values().forEach(SimulatedCluster::drainRequests); // seeding is not a job's doing
            for (DemoContribution d : contributions) {
                observed.put(d.job(), new TreeSet<>());
                nonResource.put(d.job(), new TreeSet<>());
                for (DemoContribution.Step step : d.steps(clock)) {
                    RunResult r = launcher.launch(d.job(), new RunRequest(env.remoteUrl(), "main", Set.of(),
                            step.dryRun(), step.at(), "demo"));
                    runs.add(d.job() + " " + step.label() + ": exit " + r.exitCode() + ", " + r.actions().size()
                            + " action(s)" + (r.failedPartitions().isEmpty() ? "" : " failed " + r.failedPartitions()));
                    record(d.job(), env);
                }
            }
            // downscale re-reads an object only after a write conflict (409/422: changed since the LIST), which the
            // demo never provokes: run that re-read of the adapter for every kind on a seeded staging cluster
            io.kubechores.platform.kube.DownscaleKube kube =
                    new io.kubechores.platform.kube.DownscaleKube(env.clusters().get("staging-eu-1").client());
            var workloads = kube.collect(java.util.EnumSet.allOf(io.kubechores.model.downscale.WorkloadKind.class)).workloads();
            for (io.kubechores.model.downscale.WorkloadKind k : io.kubechores.model.downscale.WorkloadKind.values()) {
                workloads.stream().filter(w -> w.kind() == k).findFirst().ifPresent(kube::get);
            }
            record("downscale", env);
        }
    }

    private static void record(String job, DemoEnvironment env) {
        for (SimulatedCluster sim : env.clusters().values()) {
            for (RecordedRequest q : sim.drainRequests()) {
                String p = permission(q.getMethod(), q.getPath());
                if (p.startsWith("/")) nonResource.get(job).add(q.getMethod() + " " + p);
                else observed.get(job).add(p);
            }
        }
    }

    @AfterAll
    static void close() {
        observed.forEach((job, p) -> System.out.println("observed " + job + ": " + p));
        nonResource.forEach((job, p) -> System.out.println("non-resource " + job + ": " + p));
        if (ctx != null) ctx.close();
        System.clearProperty("kubechores.home");
    }

    @Test
    void theDemoRunsExerciseEveryApiCallOfTheJobs() {
        assertThat(runs).as("every run completed").allSatisfy(r -> assertThat(r).contains(": exit 0"));
        // every kind downscale handles was listed, scaled (re-read, patched) and recorded as an Event
        for (String kind : List.of("apps/deployments", "apps/statefulsets", "batch/cronjobs",
                "autoscaling/horizontalpodautoscalers", "keda.sh/scaledobjects", "argoproj.io/rollouts")) {
            assertThat(observed.get("downscale")).as(kind).contains("list " + kind, "get " + kind, "patch " + kind);
        }
        assertThat(observed.get("downscale")).contains("list namespaces", "create events");
        assertThat(observed.get("certs")).contains("list secrets", "list admissionregistration.k8s.io/validatingwebhookconfigurations",
                "list cert-manager.io/certificates", "list apiregistration.k8s.io/apiservices",
                "list apiextensions.k8s.io/customresourcedefinitions");
        assertThat(observed.get("rightsize")).contains("list autoscaling.k8s.io/verticalpodautoscalers");
        assertThat(observed.get("promote")).contains("list secrets", "list pods");
        assertThat(observed.get("quotas")).as("quotas talks to AWS only").isEmpty();
        assertThat(nonResource).allSatisfy((job, paths) -> assertThat(paths).as(job + ": discovery only")
                .allMatch(p -> p.matches("GET /(api|apis|version)(/.*)?")));
    }

    @Test
    void eachJobsClusterRoleGrantsExactlyWhatItsRunsCalled() throws IOException {
        SortedMap<String, String> rendered = new K8sRenderer().render(List.of());
        for (String job : ORDER) {
            SortedSet<String> granted = grants(rendered.get("rbac/" + job + ".yaml"));
            SortedSet<String> missing = new TreeSet<>(observed.get(job));
            missing.removeAll(granted);
            assertThat(missing).as(job + ": called but not granted by its ClusterRole (runs: " + runs + ")").isEmpty();
            SortedSet<String> unused = new TreeSet<>(granted);
            unused.removeAll(observed.get(job));
            assertThat(unused).as(job + ": granted but never called (remove it, or justify it in JUSTIFIED_EXTRAS)")
                    .containsExactlyInAnyOrderElementsOf(JUSTIFIED_EXTRAS.getOrDefault(job, Map.of()).keySet());
        }
    }

    /** "verb group/resource" of a resource request; a non-resource request's path (starting with /). */
    static String permission(String method, String rawPath) {
        String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
        String query = rawPath.contains("?") ? rawPath.substring(rawPath.indexOf('?') + 1) : "";
        String[] seg = path.replaceAll("^/+|/+$", "").split("/");
        String group;
        int i;
        if (seg.length >= 3 && seg[0].equals("api")) {
            group = "";
            i = 2;
        } else if (seg.length >= 4 && seg[0].equals("apis")) {
            group = seg[1];
            i = 3;
        } else {
            return path;
        }
        List<String> rest = new ArrayList<>(List.of(seg).subList(i, seg.length));
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) rest = rest.subList(2, rest.size());
        String resource = rest.get(0) + (rest.size() >= 3 ? "/" + rest.get(2) : "");
        boolean named = rest.size() >= 2;
        String verb = switch (method) {
            case "GET" -> query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
    }

    static SortedSet<String> grants(String yaml) throws IOException {
        SortedSet<String> out = new TreeSet<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (!doc.path("kind").asText().equals("ClusterRole")) continue;
                for (JsonNode rule : doc.path("rules")) {
                    for (JsonNode g : rule.path("apiGroups")) for (JsonNode r : rule.path("resources"))
                        for (JsonNode v : rule.path("verbs"))
                            out.add(v.asText() + " " + (g.asText().isEmpty() ? "" : g.asText() + "/") + r.asText());
                }
            }
        }
        return out;
    }

}
