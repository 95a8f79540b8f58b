package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.WorkloadKind;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.platform.StateStore;
import io.kubechores.core.schedule.Schedule;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.kube.DownscaleKube;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
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
public class DownscaleChore implements Chore<DownscalePartitionPlan, DownscaleResult, RollUp> {
    public static final String NAME = "downscale";
    private static final Logger log = LoggerFactory.getLogger(DownscaleChore.class);


    private final String ownNamespace;
    private final Pacer pacer;
    private final StateStore fallbackState = new MemoryStateStore();

    /** The job's own namespace comes from KUBECHORES_NAMESPACE (the pod's namespace), default "kubechores". */
    public DownscaleChore() {
        this(Optional.ofNullable(System.getenv("KUBECHORES_NAMESPACE")).filter(s -> !s.isBlank()).orElse("kubechores"));
    }

    public DownscaleChore(String ownNamespace) {
        this(ownNamespace, Pacer.SLEEP);
    }

    public DownscaleChore(String ownNamespace, Pacer pacer) {
        this.ownNamespace = ownNamespace;
        this.pacer = pacer;
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
    public DownscalePartitionPlan plan(ChoreContext ctx, String partition) {
        DesiredState state = ctx.state();
        Resource<ClusterSpec> cluster = state.cluster(partition)
                .orElseThrow(() -> new IllegalArgumentException("unknown cluster " + partition));
        KubernetesClient client = ctx.platform().kube().client(cluster);
        DownscaleKube kube = new DownscaleKube(client);
        Instant now = ctx.clock().instant();

        StateStore store = ctx.platform().state() != null ? ctx.platform().state() : fallbackState;
        // only the kinds the selecting policies act on, plus those still holding an original (ListedKinds, issue 15)
        ClusterObservation observed = kube.collect(ListedKinds.toList(state.downscalePolicies(), cluster, store));
        String budgetKey = "upscale-budget/" + partition;
        long minute = now.getEpochSecond() / 60;
        int usedThisMinute = store.get(NAME, budgetKey).map(v -> v.split(":"))
                .filter(p -> p.length == 2 && Long.parseLong(p[0]) == minute).map(p -> Integer.parseInt(p[1]))
                .orElse(0);
        DownscalePlan plan = DownscalePlanner.plan(input(ctx, cluster, observed, usedThisMinute), ctx.clock());
        return new DownscalePartitionPlan(cluster, kube, observed, plan, usedThisMinute, store, budgetKey, now);
    }

    @Override
    public PartitionResult<DownscaleResult> apply(ChoreContext ctx, DownscalePartitionPlan plan)
            throws InterruptedException {
        return new DownscaleApply(ctx, plan, pacer, observed -> input(ctx, plan.cluster(), observed, 0)).apply();
    }

    /** Waits until an instant of the run's clock (tests advance a simulated clock instead of sleeping). */
    @FunctionalInterface
    public interface Pacer {
        /**
         * Sleeps until the instant when the run's clock follows the wall clock; a clock more than a minute away from
         * it (a run at a fixed instant: demo, what-if plans) is not waited for (the caller then stops pacing).
         */
        Pacer SLEEP = (until, clock) -> {
            Instant now = clock.instant();
            if (Duration.between(Instant.now(), now).abs().compareTo(Duration.ofMinutes(1)) > 0) return;
            long ms = Duration.between(now, until).toMillis();
            if (ms > 0) Thread.sleep(ms);
        };

        void sleepUntil(Instant until, java.time.Clock clock) throws InterruptedException;
    }

    DownscalePlanner.Input input(ChoreContext ctx, Resource<ClusterSpec> cluster, ClusterObservation observed,
                                        int usedThisMinute) {
        var fleet = ctx.state().fleetSpec();
        String frame = fleet.downscale().defaultWeekFrame();
        return new DownscalePlanner.Input(cluster, ZoneId.of(fleet.timeZone()), fleet.holidays(),
                ctx.state().downscalePolicies(), Set.of("kube-system", ownNamespace), observed, usedThisMinute,
                frame == null ? null : Schedule.WeekFrame.parse(frame));
    }

    @Override
    public RollUp rollUp(ChoreContext ctx, List<PartitionResult<DownscaleResult>> results) {
        return RollUp.NONE;
    }

    @Override
    public ChoreReport report(ChoreContext ctx, List<PartitionResult<DownscaleResult>> results, RollUp none) {
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
