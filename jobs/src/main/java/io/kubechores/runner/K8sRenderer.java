package io.kubechores.runner;

import io.kubechores.runner.schedule.JobSchedule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the kustomize base k8s/ from schedules/: one CronJob per schedule (suspended when the schedule is
 * disabled), the kustomization.yaml listing everything, plus the hand-written static files (namespace, config,
 * per-job ServiceAccounts and least-privilege RBAC, the runner) shipped in the jar under k8s/.
 * The CLI exposes it as {@code render-k8s}; a test fails when the committed k8s/ drifts from this output.
 */
public final class K8sRenderer {
    /** Hand-written files of the base, in kustomization order (relative to k8s/). */
    public static final List<String> STATIC_FILES = List.of("namespace.yaml", "config.yaml",
            "rbac/downscale.yaml", "rbac/rightsize.yaml", "rbac/quotas.yaml", "rbac/certs.yaml", "rbac/promote.yaml",
            "runner/runner.yaml");
    public static final String NAMESPACE = "kubechores";
    /** Generated: the namespace's NetworkPolicies (see {@link #networkPolicy()}). */
    public static final String NETWORK_POLICY_FILE = "networkpolicy.yaml";
    /** The env var an Indexed Job's pod reads its shard index from. */
    static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

    /**
     * @param imageName image repository the kustomization's images: entry points the placeholder "kubechores" at
     * @param imageTag  its tag
     */
    public record Options(String imageName, String imageTag) {
        public static final Options DEFAULTS = new Options("ghcr.io/kubechores/kubechores", "0.1.0");
    }

    private final Options options;

    public K8sRenderer() {
        this(Options.DEFAULTS);
    }

    public K8sRenderer(Options options) {
        this.options = options;
    }

    /** Every file of the base: path relative to k8s/ → content. */
    public SortedMap<String, String> render(List<JobSchedule> schedules) {
        SortedMap<String, String> out = new TreeMap<>();
        for (String f : STATIC_FILES) out.put(f, staticFile(f));
        out.put(NETWORK_POLICY_FILE, networkPolicy());
        List<String> cronJobs = new ArrayList<>();
        for (JobSchedule s : schedules) {
            String file = "cronjobs/" + s.name() + ".yaml";
            out.put(file, cronJob(s));
            cronJobs.add(file);
        }
        out.put("kustomization.yaml", kustomization(cronJobs));
        return out;
    }

    /**
     * Writes the base into {@code folder} (created if needed) and deletes CronJob files of schedules that no longer
     * exist. Returns the files written.
     */
    public List<Path> write(List<JobSchedule> schedules, Path folder) {
        SortedMap<String, String> files = render(schedules);
        List<Path> written = new ArrayList<>();
        try {
            Path cronDir = folder.resolve("cronjobs");
            if (Files.isDirectory(cronDir)) {
                try (Stream<Path> s = Files.list(cronDir)) {
                    for (Path p : s.toList()) {
                        if (!files.containsKey("cronjobs/" + p.getFileName())) Files.delete(p);
                    }
                }
            }
            for (var e : files.entrySet()) {
                Path p = folder.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
                written.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /**
     * What {@code render-k8s} does: loads and validates the schedules (the folder when it exists, else the copy in
     * the jar) and writes the whole base into {@code out}.
     */
    public static List<Path> renderFolder(Path schedulesFolder, Path out, Options options) {
        return new K8sRenderer(options).write(
                new io.kubechores.runner.schedule.ScheduleLoader().loadFolderOrClasspath(schedulesFolder), out);
    }

    /** The CLI arguments a schedule runs with; the repo defaults to $(KUBECHORES_REPO) from the kubechores ConfigMap. */
    public static List<String> args(JobSchedule s) {
        List<String> a = new ArrayList<>();
        a.add(s.args().dryRun() ? "plan" : "run");
        a.add(s.job());
        a.add("--repo");
        a.add(s.args().repo() != null ? s.args().repo() : "$(KUBECHORES_REPO)");
        if (s.args().ref() != null) {
            a.add("--ref");
            a.add(s.args().ref());
        }
        for (String c : s.args().clusters()) {
            a.add("--cluster");
            a.add(c);
        }
        if (s.shards() > 1) {
            // Kubernetes expands $(JOB_COMPLETION_INDEX) from the container's env (see cronJob)
            a.add("--shard");
            a.add("$(" + COMPLETION_INDEX_ENV + ")/" + s.shards());
        }
        return a;
    }

    static String serviceAccount(String job) {
        return "kubechores-" + job;
    }

    /**
     * One schedule's CronJob. A sharded schedule's Job is an Indexed Job of N pods, all started at once, pod i running
     * {@code --shard i/N}. Its index comes from the downward API (the pod annotation
     * batch.kubernetes.io/job-completion-index, which the Job controller sets on every pod of an Indexed Job;
     * declared explicitly so $(JOB_COMPLETION_INDEX) in args expands). A failed shard fails only its own index
     * ({@code backoffLimitPerIndex: 0}, Kubernetes 1.29+): the other shards finish, like failed partitions in one pod.
     * {@code backoffLimit} is left out there: with a per-index limit it is unlimited by default, while 0 would fail
     * the whole Job and stop the other shards at the first failed pod.
     */
    String cronJob(JobSchedule s) {
        String labels = """
                    app.kubernetes.io/name: kubechores
                    app.kubernetes.io/component: job
                    kubechores.io/job: %s
                    kubechores.io/schedule: %s
                """.formatted(s.job(), s.name());
        String args = args(s).stream().map(K8sRenderer::q).collect(Collectors.joining(", ", "[", "]"));
        boolean sharded = s.shards() > 1;
        String retries = sharded ? """
                      # sharded: pod i of this Indexed Job runs --shard i/%d; the pods together cover every cluster once
                      completionMode: Indexed
                      completions: %d
                      parallelism: %d
                      # a failed shard is not retried (the next schedule is) and does not stop the other shards
                      backoffLimitPerIndex: 0
                """.formatted(s.shards(), s.shards(), s.shards()) : """
                      # runs are idempotent, but a failed run waits for the next schedule instead of retrying at once
                      backoffLimit: 0
                """;
        String indexEnv = !sharded ? "" : """
                                - name: %s
                                  valueFrom:
                                    fieldRef:
                                      fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']
                """.formatted(COMPLETION_INDEX_ENV);
        return """
                # GENERATED by `kubechores render-k8s` from %s: edit the schedule, then re-render.
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: %s
                  namespace: %s
                  labels:
                %s  annotations:
                    kubechores.io/description: %s
                spec:
                  schedule: %s
                  timeZone: %s
                  concurrencyPolicy: %s
                  suspend: %s
                  # a run missed by more than 5 minutes (controller down) is skipped, not caught up
                  startingDeadlineSeconds: 300
                  successfulJobsHistoryLimit: 3
                  failedJobsHistoryLimit: 3
                  jobTemplate:
                    metadata:
                      labels:
                %s    spec:
                %s      activeDeadlineSeconds: 3600
                      ttlSecondsAfterFinished: 86400
                      template:
                        metadata:
                          labels:
                %s        spec:
                          serviceAccountName: %s
                          restartPolicy: Never
                          securityContext:
                            runAsNonRoot: true
                            runAsUser: 65532
                            runAsGroup: 65532
                            fsGroup: 65532
                            seccompProfile:
                              type: RuntimeDefault
                          containers:
                            - name: kubechores
                              # the image's entrypoint starts the JVM from its AOT cache (jobs/pom.xml, profile image)
                              image: kubechores
                              args: %s
                              env:
                %s                - name: KUBECHORES_REPO
                                  valueFrom:
                                    configMapKeyRef:
                                      name: kubechores
                                      key: repo
                                - name: HOME
                                  value: /home/kubechores
                                # C1 only: a run lasts seconds to minutes, C2's compile time at start-up does not pay off
                                # (bench/run.sh ColdStartBench, DownscaleBench, CertsBench)
                                - name: JAVA_TOOL_OPTIONS
                                  value: -XX:MaxRAMPercentage=75 -XX:TieredStopAtLevel=1
                              envFrom:
                                - secretRef:
                                    name: kubechores-credentials
                                    optional: true
                              resources:
                                requests:
                                  cpu: 250m
                                  memory: 768Mi
                                limits:
                                  memory: 1536Mi
                              securityContext:
                                allowPrivilegeEscalation: false
                                readOnlyRootFilesystem: true
                                capabilities:
                                  drop: [ALL]
                              volumeMounts:
                                - name: home
                                  mountPath: /home/kubechores
                                - name: tmp
                                  mountPath: /tmp
                          volumes:
                            - name: home
                              emptyDir: {}
                            - name: tmp
                              emptyDir: {}
                """.formatted(s.location().file(), s.name(), NAMESPACE, labels, q(s.description()), q(s.cron()),
                q(s.timeZone().getId()), s.concurrencyPolicy(), !s.enabled(),
                indent(labels, 4), retries, indent(labels, 8), serviceAccount(s.job()), args, indexEnv);
    }

    /**
     * The namespace's NetworkPolicies: nothing may reach a kubechores pod except the runner's HTTP port (status page,
     * Prometheus), and kubechores pods may only reach DNS, HTTPS (clusters' API servers behind 443, AWS, forges,
     * Slack, Jenkins), API servers on 6443 (in-cluster the kubernetes Service forwards to the API server's own port,
     * and policies see the forwarded port) and git over ssh (22). Anything else (PostgreSQL, a Pushgateway, Jenkins
     * on another port) needs an egress rule in the overlay: k8s/README.md.
     */
    String networkPolicy() {
        return """
                # GENERATED by `kubechores render-k8s` (K8sRenderer.networkPolicy): patch it in your overlay, not here.
                # Default: no pod of this namespace takes traffic or sends any.
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: kubechores-default-deny
                  namespace: %1$s
                  labels:
                    app.kubernetes.io/name: kubechores
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                ---
                # kubechores pods (CronJob runs and the runner) reach DNS, HTTPS/API servers and git over ssh only.
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: kubechores-egress
                  namespace: %1$s
                  labels:
                    app.kubernetes.io/name: kubechores
                spec:
                  podSelector:
                    matchLabels:
                      app.kubernetes.io/name: kubechores
                  policyTypes: [Egress]
                  egress:
                    # DNS (cluster DNS, wherever it runs)
                    - ports:
                        - {protocol: UDP, port: 53}
                        - {protocol: TCP, port: 53}
                    # Kubernetes API servers (443, 6443), AWS, git over https, forges, Slack, Jenkins
                    - ports:
                        - {protocol: TCP, port: 443}
                        - {protocol: TCP, port: 6443}
                    # git over ssh (desired-state repo)
                    - ports:
                        - {protocol: TCP, port: 22}
                ---
                # The runner takes traffic on its HTTP port only (status page, "Run now", /actuator/prometheus).
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: kubechores-runner-ingress
                  namespace: %1$s
                  labels:
                    app.kubernetes.io/name: kubechores
                    app.kubernetes.io/component: runner
                spec:
                  podSelector:
                    matchLabels:
                      app.kubernetes.io/name: kubechores
                      app.kubernetes.io/component: runner
                  policyTypes: [Ingress]
                  ingress:
                    - ports:
                        - {protocol: TCP, port: 8080}
                """.formatted(NAMESPACE);
    }

    String kustomization(List<String> cronJobs) {
        StringBuilder sb = new StringBuilder("""
                # GENERATED by `kubechores render-k8s` from schedules/: edit schedules/ or the files listed here, then re-render.
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: %s
                images:
                  - name: kubechores
                    newName: %s
                    newTag: %s
                resources:
                """.formatted(NAMESPACE, q(options.imageName()), q(options.imageTag())));
        for (String f : STATIC_FILES) sb.append("  - ").append(f).append('\n');
        sb.append("  - ").append(NETWORK_POLICY_FILE).append('\n');
        for (String f : cronJobs) sb.append("  - ").append(f).append('\n');
        return sb.toString();
    }

    private static String indent(String block, int n) {
        String pad = " ".repeat(n);
        return block.lines().map(l -> pad + l).collect(Collectors.joining("\n", "", "\n"));
    }

    /** YAML double-quoted scalar (JSON string syntax is valid YAML). */
    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String staticFile(String f) {
        try (InputStream in = K8sRenderer.class.getResourceAsStream("/k8s/" + f)) {
            if (in == null) throw new IllegalStateException("k8s/" + f + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
