package io.kubechores.downscale;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.PartitionResult;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.kube.DownscaleKube;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Off-hours downscaling for the whole fleet: one partition per cluster (collect → plan → apply), see
 * {@link DownscalePlanner} for the rules.
 */
@Component
public class DownscaleChore implements Chore {
    public static final String NAME = "downscale";
    private static final Logger log = LoggerFactory.getLogger(DownscaleChore.class);

    /** Changes (PATCH, then Event) in flight per cluster. */
    static final int APPLY_CONCURRENCY = 8;
    /** Runs the blocking conflict path of a change off the client's I/O threads. */
    private static final java.util.concurrent.Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

    private final String ownNamespace;
    private final StateStore fallbackState = new MemoryStateStore();

    /** The job's own namespace comes from KUBECHORES_NAMESPACE (the pod's namespace), default "kubechores". */
    public DownscaleChore() {
        this(Optional.ofNullable(System.getenv("KUBECHORES_NAMESPACE")).filter(s -> !s.isBlank()).orElse("kubechores"));
    }

    public DownscaleChore(String ownNamespace) {
        this.ownNamespace = ownNamespace;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Scale workloads down off-hours and restore them exactly (kube-downscaler compatible)";
    }

    @Override
    public List<String> partitions(ChoreContext ctx) {
        return ctx.state().clusters().stream().map(Resource::name).toList();
    }

    @Override
    public PartitionResult runPartition(ChoreContext ctx, String partition) throws InterruptedException {
        DesiredState state = ctx.state();
        Resource<ClusterSpec> cluster = state.cluster(partition)
                .orElseThrow(() -> new IllegalArgumentException("unknown cluster " + partition));
        KubernetesClient client = ctx.platform().kube().client(cluster);
        DownscaleKube kube = new DownscaleKube(client);
        Instant now = ctx.clock().instant();

        ClusterObservation observed = kube.collect(EnumSet.allOf(WorkloadKind.class));
        StateStore store = ctx.platform().state() != null ? ctx.platform().state() : fallbackState;
        String budgetKey = "upscale-budget/" + partition;
        long minute = now.getEpochSecond() / 60;
        int usedThisMinute = store.get(NAME, budgetKey).map(v -> v.split(":"))
                .filter(p -> p.length == 2 && Long.parseLong(p[0]) == minute).map(p -> Integer.parseInt(p[1]))
                .orElse(0);

        DownscalePlan plan = DownscalePlanner.plan(input(ctx, cluster, observed, usedThisMinute), ctx.clock());

        List<Action> actions = new ArrayList<>();
        List<String> warnings = new ArrayList<>(plan.warnings());
        Map<Decision, CompletableFuture<Action>> applying = ctx.dryRun() ? Map.of()
                : new Pipeline(ctx, kube, cluster, observed, now).start(plan.changes());
        for (Decision d : plan.decisions()) {
            if (!d.verb().mutating()) {
                actions.add(d.toAction(partition, Action.Status.SKIPPED));
                if (d.warnEvent() && !ctx.dryRun()) {
                    try {
                        kube.warningOnce(d.workload(), "InvalidDownscaleAnnotation", d.reason(), now);
                    } catch (RuntimeException e) {
                        warnings.add(d.target(partition) + ": could not record Warning Event: " + ChoreRunner.describe(e));
                    }
                }
                continue;
            }
            if (ctx.dryRun()) {
                actions.add(d.toAction(partition, Action.Status.PLANNED));
                continue;
            }
            try {
                actions.add(applying.get(d).get());
            } catch (ExecutionException e) {
                actions.add(d.toAction(partition, Action.Status.FAILED).withStatus(Action.Status.FAILED,
                        d.detail() + ": " + ChoreRunner.describe(e.getCause())));
            }
        }
        if (!ctx.dryRun()) {
            for (DownscalePlan.NamespaceWarning nw : plan.namespaceWarnings()) {
                try {
                    kube.namespaceWarningOnce(nw.namespace(), "InvalidDownscaleAnnotation", nw.message(), now);
                } catch (RuntimeException e) {
                    warnings.add(partition + "/" + nw.namespace() + ": could not record Warning Event: "
                            + ChoreRunner.describe(e));
                }
            }
            if (plan.budgetUsed() != usedThisMinute) store.put(NAME, budgetKey, minute + ":" + plan.budgetUsed());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("plan", plan);
        data.put("missingKinds", observed.missingKinds());
        data.put("workloads", observed.workloads().size());
        return new PartitionResult(partition, null, actions, warnings, data);
    }

    private DownscalePlanner.Input input(ChoreContext ctx, Resource<ClusterSpec> cluster, ClusterObservation observed,
                                        int usedThisMinute) {
        var fleet = ctx.state().fleetSpec();
        return new DownscalePlanner.Input(cluster, ZoneId.of(fleet.timeZone()), fleet.holidays(),
                ctx.state().downscalePolicies(), Set.of("kube-system", ownNamespace), observed, usedThisMinute);
    }

    /**
     * Applies a cluster's changes, {@link #APPLY_CONCURRENCY} of them in flight: each finished change starts the next
     * one from the I/O thread that received its answer (no thread per change, no hand-over between threads for
     * every request). The rare conflict path (re-read, re-plan, second PATCH) blocks, so it runs on a virtual thread.
     */
    private final class Pipeline {
        private final ChoreContext ctx;
        private final DownscaleKube kube;
        private final Resource<ClusterSpec> cluster;
        private final ClusterObservation observed;
        private final Instant now;
        private final ConcurrentLinkedQueue<Decision> queue = new ConcurrentLinkedQueue<>();
        private final Map<Decision, CompletableFuture<Action>> results = new HashMap<>();

        Pipeline(ChoreContext ctx, DownscaleKube kube, Resource<ClusterSpec> cluster, ClusterObservation observed,
                 Instant now) {
            this.ctx = ctx;
            this.kube = kube;
            this.cluster = cluster;
            this.observed = observed;
            this.now = now;
        }

        Map<Decision, CompletableFuture<Action>> start(List<Decision> changes) {
            for (Decision d : changes) results.put(d, new CompletableFuture<>());
            queue.addAll(changes);
            for (int i = 0; i < APPLY_CONCURRENCY; i++) next();
            return results;
        }

        /** Takes changes off the queue until one is still in flight (its completion calls next again). */
        private void next() {
            while (true) {
                Decision d = queue.poll();
                if (d == null) return;
                CompletableFuture<Action> done = results.get(d);
                CompletableFuture<Action> applying = applyOrFail(d);
                if (applying.isDone()) {
                    complete(done, d, applying);
                    continue;
                }
                applying.whenComplete((a, e) -> {
                    complete(done, d, applying);
                    next();
                });
                return;
            }
        }

        private CompletableFuture<Action> applyOrFail(Decision d) {
            try {
                return applyAsync(d);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        private void complete(CompletableFuture<Action> done, Decision d, CompletableFuture<Action> applying) {
            try {
                done.complete(applying.join());
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                Action planned = d.toAction(cluster.name(), Action.Status.PLANNED);
                done.complete(planned.withStatus(Action.Status.FAILED, planned.detail() + ": "
                        + ChoreRunner.describe(cause)));
            }
        }

        /** One PATCH (value + annotation), then one Event. A conflict re-reads the object and re-plans it once. */
        private CompletableFuture<Action> applyAsync(Decision d) {
            Action planned = d.toAction(cluster.name(), Action.Status.PLANNED);
            if (!ctx.limit().tryAcquire()) {
                return CompletableFuture.completedFuture(planned.withStatus(Action.Status.LIMITED));
            }
            return kube.patchAsync(d, true).thenCompose(r -> switch (r) {
                case PATCHED -> applied(d, planned);
                case GONE -> CompletableFuture.completedFuture(
                        planned.withStatus(Action.Status.UNCHANGED, "deleted since it was read"));
                case CONFLICT -> CompletableFuture.supplyAsync(() -> retryAfterConflict(d, planned),
                        VIRTUAL).thenCompose(c -> c);
            });
        }

        /** Re-reads the object, re-plans it and patches once more (blocking: runs on a virtual thread). */
        private CompletableFuture<Action> retryAfterConflict(Decision d, Action planned) {
            Optional<Workload> fresh = kube.get(d.workload());
            if (fresh.isEmpty()) {
                return CompletableFuture.completedFuture(
                        planned.withStatus(Action.Status.UNCHANGED, "deleted since it was read"));
            }
            ClusterObservation one = new ClusterObservation(observed.namespaces(), List.of(fresh.get()), Set.of());
            DownscalePlan again = DownscalePlanner.plan(input(ctx, cluster, one, 0), ctx.clock());
            Optional<Decision> redo = again.changes().stream().findFirst();
            if (redo.isEmpty() || redo.get().verb() != d.verb()) {
                return CompletableFuture.completedFuture(planned.withStatus(Action.Status.UNCHANGED,
                        "changed since it was read: " + fresh.get().kind().describe(fresh.get().value())
                                + ", nothing to do"));
            }
            Decision done = redo.get();
            DownscaleKube.PatchResult r = kube.patch(done, true);
            if (r != DownscaleKube.PatchResult.PATCHED) {
                return CompletableFuture.completedFuture(
                        planned.withStatus(Action.Status.FAILED, "changed twice while applying (" + r + ")"));
            }
            return applied(done, done.toAction(cluster.name(), Action.Status.PLANNED));
        }

        /** Audits and logs an applied change, then records its Event (a failed Event is logged, not a failure). */
        private CompletableFuture<Action> applied(Decision done, Action planned) {
            Action applied = ctx.applied(planned);
            log.info("job=downscale cluster={} namespace={} kind={} name={} action={} detail=\"{}\"", cluster.name(),
                    done.workload().namespace(), done.workload().kind().kindName(), done.workload().name(),
                    done.verb().label(), done.detail());
            CompletableFuture<Void> event;
            try {
                event = kube.eventAsync(done.workload(), "Normal", eventReason(done),
                        done.detail() + " — " + done.reason(), now);
            } catch (RuntimeException e) {
                event = CompletableFuture.failedFuture(e);
            }
            return event.handle((v, e) -> {
                if (e != null) {
                    log.warn("job=downscale cluster={} could not record Event for {}: {}", cluster.name(),
                            done.workload().ref(), ChoreRunner.describe(e instanceof CompletionException c
                                    && c.getCause() != null ? c.getCause() : e));
                }
                return applied;
            });
        }
    }

    private static String eventReason(Decision d) {
        return switch (d.verb()) {
            case SCALE_DOWN -> "ScaleDown";
            case RESTORE -> "ScaleUp";
            case FORGET_ORIGINAL -> "DownscaleOriginalForgotten";
            default -> "Downscale";
        };
    }

    @Override
    public ChoreReport finish(ChoreContext ctx, List<PartitionResult> results) {
        DownscaleReport report = DownscaleReport.of(ctx, results);
        List<Path> artifacts = new ArrayList<>();
        if (ctx.outputDir() != null) {
            artifacts.add(Reports.write(ctx.outputDir(), "downscale-plan.txt", report.console()));
            artifacts.add(Reports.write(ctx.outputDir(), "downscale-report.md", report.markdown()));
            artifacts.add(Reports.write(ctx.outputDir(), "downscale-report.html", report.html()));
            artifacts.add(Reports.write(ctx.outputDir(), "downscale-report.json", Reports.json(report.model())));
        }
        log.info("\n{}", report.console());
        List<String> warnings = results.stream().flatMap(r -> r.warnings().stream()).toList();
        return new ChoreReport(report.summary(), List.of(), warnings, artifacts, false);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
