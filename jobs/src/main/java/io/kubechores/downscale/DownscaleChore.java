package io.kubechores.downscale;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.MemoryStateStore;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.StateStore;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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

    /** PATCH/Event requests in flight per cluster. */
    static final int APPLY_CONCURRENCY = 8;

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
        Map<Decision, Future<Action>> applying = new HashMap<>();
        if (!ctx.dryRun() && !plan.changes().isEmpty()) {
            // one PATCH + one Event per change, a few in flight per cluster (the API server serves them in parallel)
            Semaphore inFlight = new Semaphore(APPLY_CONCURRENCY);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Decision d : plan.changes()) {
                    applying.put(d, pool.submit(() -> {
                        inFlight.acquire();
                        try {
                            return apply(ctx, kube, cluster, observed, d, now);
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
            }
        }
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

    /** One PATCH (value + annotation), then one Event. A conflict re-reads the object and re-plans it once. */
    private Action apply(ChoreContext ctx, DownscaleKube kube, Resource<ClusterSpec> cluster,
                         ClusterObservation observed, Decision d, Instant now) {
        String partition = cluster.name();
        Action planned = d.toAction(partition, Action.Status.PLANNED);
        if (!ctx.limit().tryAcquire()) {
            return planned.withStatus(Action.Status.LIMITED);
        }
        try {
            DownscaleKube.PatchResult r = kube.patch(d, true);
            Decision done = d;
            if (r == DownscaleKube.PatchResult.CONFLICT) {
                Optional<Workload> fresh = kube.get(d.workload());
                if (fresh.isEmpty()) {
                    return planned.withStatus(Action.Status.UNCHANGED, "deleted since it was read");
                }
                ClusterObservation one = new ClusterObservation(observed.namespaces(), List.of(fresh.get()), Set.of());
                DownscalePlan again = DownscalePlanner.plan(input(ctx, cluster, one, 0), ctx.clock());
                Optional<Decision> redo = again.changes().stream().findFirst();
                if (redo.isEmpty() || redo.get().verb() != d.verb()) {
                    return planned.withStatus(Action.Status.UNCHANGED, "changed since it was read: "
                            + fresh.get().kind().describe(fresh.get().value()) + ", nothing to do");
                }
                done = redo.get();
                r = kube.patch(done, true);
                if (r != DownscaleKube.PatchResult.PATCHED) {
                    return planned.withStatus(Action.Status.FAILED, "changed twice while applying (" + r + ")");
                }
                planned = done.toAction(partition, Action.Status.PLANNED);
            } else if (r == DownscaleKube.PatchResult.GONE) {
                return planned.withStatus(Action.Status.UNCHANGED, "deleted since it was read");
            }
            Action applied = ctx.applied(planned);
            log.info("job=downscale cluster={} namespace={} kind={} name={} action={} detail=\"{}\"", partition,
                    done.workload().namespace(), done.workload().kind().kindName(), done.workload().name(),
                    done.verb().label(), done.detail());
            try {
                kube.event(done.workload(), "Normal", eventReason(done), done.detail() + " — " + done.reason(), now);
            } catch (RuntimeException e) {
                log.warn("job=downscale cluster={} could not record Event for {}: {}", partition, done.workload().ref(),
                        ChoreRunner.describe(e));
            }
            return applied;
        } catch (RuntimeException e) {
            return planned.withStatus(Action.Status.FAILED, planned.detail() + ": " + ChoreRunner.describe(e));
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
