package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.PartitionResult;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.StateStore;
import io.kubechores.platform.kube.DownscaleKube;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * Applies one cluster's downscale plan (real runs only; a dry run reports {@link DownscalePartitionPlan#planned()}):
 * pauses GitOps owners, applies the changes through a pipeline ({@link #APPLY_CONCURRENCY} in flight, write-ahead
 * audit, one PATCH and one Event each, a re-plan on conflict), records Warning Events once, resumes GitOps owners
 * whose restores all went through, and paces deferred restores within the run.
 */
final class DownscaleApply {
    private static final Logger log = LoggerFactory.getLogger(DownscaleApply.class);

    /** Changes (PATCHes) in flight per cluster; as many Events again beside them (EventLane). */
    static final int APPLY_CONCURRENCY = 8;
    /** Runs the blocking conflict path of a change off the client's I/O threads. */
    private static final java.util.concurrent.Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

    /** The planner's input for a fresh observation of the same cluster (pacing rounds, conflicts). */
    @FunctionalInterface
    interface Replanner {
        DownscalePlanner.Input input(ClusterObservation observed);
    }

    private final ChoreContext ctx;
    private final DownscalePartitionPlan partitionPlan;
    private final DownscaleChore.Pacer pacer;
    private final Replanner replanner;

    DownscaleApply(ChoreContext ctx, DownscalePartitionPlan plan, DownscaleChore.Pacer pacer, Replanner replanner) {
        this.ctx = ctx;
        this.partitionPlan = plan;
        this.pacer = pacer;
        this.replanner = replanner;
    }

    PartitionResult<DownscaleResult> apply() throws InterruptedException {
        Resource<ClusterSpec> cluster = partitionPlan.cluster();
        String partition = cluster.name();
        DownscaleKube kube = partitionPlan.kube();
        ClusterObservation observed = partitionPlan.observed();
        DownscalePlan plan = partitionPlan.plan();
        StateStore store = partitionPlan.store();
        String budgetKey = partitionPlan.budgetKey();
        Instant now = partitionPlan.now();
        long minute = now.getEpochSecond() / 60;

        List<Action> actions = new ArrayList<>();
        List<String> warnings = new ArrayList<>(plan.warnings());
        List<Action> gitOpsActions = new ArrayList<>();
        Set<String> notPaused = pauses(ctx, kube, partition, plan, gitOpsActions);
        // the upscale budget is spent durably before the first PATCH: a crash and a rerun in the same minute cannot
        // restore more than the budget (spent even for a change that then fails: the safe side)
        if (plan.budgetUsed() != partitionPlan.usedThisMinute()) store.put(DownscaleChore.NAME, budgetKey, minute + ":" + plan.budgetUsed());
        Pipeline pipeline = new Pipeline(ctx, kube, cluster, observed, now);
        Map<Decision, CompletableFuture<Action>> applying = pipeline
                .start(plan.changes().stream().filter(d -> !blockedByGitOps(d, notPaused)).toList());
        WarnedOnce warned = new WarnedOnce(store, partition);
        List<Decision> originalsGone = new ArrayList<>();
        for (Decision d : plan.decisions()) {
            if (!d.verb().mutating()) {
                actions.add(Decisions.toAction(d, partition, Action.Status.SKIPPED));
                if (d.warnEvent() && warned.first(d.workload().uid(), d.reason())) {
                    try {
                        kube.warningOnce(d.workload(), "InvalidDownscaleAnnotation", d.reason(), now);
                    } catch (RuntimeException e) {
                        warned.failed(d.workload().uid(), d.reason());
                        warnings.add(d.target(partition) + ": could not record Warning Event: " + ChoreRunner.describe(e));
                    }
                }
                continue;
            }
            if (blockedByGitOps(d, notPaused)) {
                Action planned = Decisions.toAction(d, partition, Action.Status.PLANNED);
                actions.add(planned.withStatus(Action.Status.FAILED, planned.detail()
                        + ": not scaled down, its GitOps owner could not be paused (it would revert the change)"));
                continue;
            }
            try {
                Action a = applying.get(d).get();
                if (a.status() == Action.Status.APPLIED && d.verb() != Decision.Verb.SCALE_DOWN) originalsGone.add(d);
                actions.add(a);
            } catch (ExecutionException e) {
                actions.add(Decisions.toAction(d, partition, Action.Status.FAILED).withStatus(Action.Status.FAILED,
                        d.detail() + ": " + ChoreRunner.describe(e.getCause())));
            }
        }
        pipeline.eventsRecorded();
        ListedKinds.remember(store, partition, observed.workloads(), plan.changes().stream()
                .filter(d -> d.verb() == Decision.Verb.SCALE_DOWN).toList(), originalsGone);
        for (DownscalePlan.NamespaceWarning nw : plan.namespaceWarnings()) {
            if (!warned.first("namespace:" + nw.namespace(), nw.message())) continue;
            try {
                kube.namespaceWarningOnce(nw.namespace(), "InvalidDownscaleAnnotation", nw.message(), now);
            } catch (RuntimeException e) {
                warned.failed("namespace:" + nw.namespace(), nw.message());
                warnings.add(partition + "/" + nw.namespace() + ": could not record Warning Event: "
                        + ChoreRunner.describe(e));
            }
        }
        resumes(ctx, kube, partition, plan, actions, gitOpsActions);
        warned.forgetTheRest();
        actions = pace(ctx, kube, cluster, plan, actions, store, budgetKey, now);
        return PartitionResult.ok(partition, DownscalePartitionPlan.ordered(actions, gitOpsActions), warnings,
                DownscaleResult.of(plan, observed));
    }

    /**
     * Wake-up pacing within one run: while the budget deferred restores, wait for the next wall-clock minute, re-read
     * the cluster, re-plan (a fresh minute's budget) and apply, until nothing is deferred or the policy's
     * upscale.paceFor (default 10m) is used up; so a 15-minute schedule does not delay a deferred restore by 15
     * minutes. The upscale-priority order holds across minutes (the planner's waves). Each later round's outcome
     * replaces the line of the same object (a DEFER becomes the RESTORE it turned into).
     */
    private List<Action> pace(ChoreContext ctx, DownscaleKube kube, Resource<ClusterSpec> cluster, DownscalePlan first,
                              List<Action> actions, StateStore store, String budgetKey, Instant start)
            throws InterruptedException {
        Duration paceFor = paceFor(ctx, cluster);
        if (first.count(Decision.Verb.DEFER) == 0 || paceFor.isZero()) return actions;
        Map<String, Action> byTarget = new LinkedHashMap<>();
        for (Action a : actions) byTarget.put(a.target(), a);
        Instant deadline = start.plus(paceFor);
        DownscalePlan plan = first;
        long minute = start.getEpochSecond() / 60;
        while (plan.count(Decision.Verb.DEFER) > 0) {
            Instant next = Instant.ofEpochSecond((minute + 1) * 60);
            if (next.isAfter(deadline)) break;
            pacer.sleepUntil(next, ctx.clock());
            Instant now = ctx.clock().instant();
            if (now.isBefore(next)) break; // a clock that does not move (fixed-time plan/demo): nothing to wait for
            minute = now.getEpochSecond() / 60;
            ClusterObservation observed = kube.collect(ListedKinds.toList(ctx.state().downscalePolicies(), cluster, store));
            plan = DownscalePlanner.plan(replanner.input(observed), ctx.clock());
            List<Action> gitOps = new ArrayList<>();
            Set<String> notPaused = pauses(ctx, kube, cluster.name(), plan, gitOps);
            Pipeline pipeline = new Pipeline(ctx, kube, cluster, observed, now);
            Map<Decision, CompletableFuture<Action>> applying = pipeline
                    .start(plan.changes().stream().filter(d -> !blockedByGitOps(d, notPaused)).toList());
            List<Action> round = new ArrayList<>();
            for (Decision d : plan.decisions()) {
                if (d.verb() == Decision.Verb.DEFER) {
                    byTarget.put(d.target(cluster.name()), Decisions.toAction(d, cluster.name(), Action.Status.SKIPPED));
                } else if (d.verb().mutating()) {
                    Action a;
                    try {
                        a = applying.get(d).get();
                    } catch (ExecutionException e) {
                        a = Decisions.toAction(d, cluster.name(), Action.Status.FAILED).withStatus(Action.Status.FAILED,
                                d.detail() + ": " + ChoreRunner.describe(e.getCause()));
                    }
                    byTarget.put(d.target(cluster.name()), a);
                    round.add(a);
                }
            }
            pipeline.eventsRecorded();
            resumes(ctx, kube, cluster.name(), plan, round, gitOps);
            for (Action a : gitOps) byTarget.put(a.target() + " " + a.verb(), a);
            store.put(DownscaleChore.NAME, budgetKey, minute + ":" + plan.budgetUsed());
            log.info("job=downscale cluster={} paced restore at {}: {} restored, {} still deferred", cluster.name(),
                    now, plan.count(Decision.Verb.RESTORE), plan.count(Decision.Verb.DEFER));
        }
        return new ArrayList<>(byTarget.values());
    }

    /** Pauses the plan's GitOps owners before the scale-downs; returns the keys of those that could not be paused. */
    private Set<String> pauses(ChoreContext ctx, DownscaleKube kube, String partition, DownscalePlan plan,
                               List<Action> out) {
        Set<String> failed = new java.util.HashSet<>();
        for (DownscalePlan.GitOpsDecision g : plan.gitOps()) {
            if (!g.pause()) continue;
            Action planned = gitOpsAction(partition, g, Action.Status.PLANNED);
            try {
                DownscaleKube.PatchResult r = kube.pauseOrResume(g);
                if (r == DownscaleKube.PatchResult.PATCHED) {
                    out.add(ctx.applied(planned));
                    log.info("job=downscale cluster={} namespace={} kind={} name={} action=pause-gitops detail=\"{}\"",
                            partition, g.owner().namespace(), g.owner().kind().kindName(), g.owner().name(), g.detail());
                } else {
                    failed.add(g.owner().key());
                    out.add(planned.withStatus(Action.Status.FAILED, planned.detail() + ": " + r
                            + " (changed since it was read); its workloads are not scaled down this run"));
                }
            } catch (RuntimeException e) {
                failed.add(g.owner().key());
                out.add(planned.withStatus(Action.Status.FAILED, planned.detail() + ": " + ChoreRunner.describe(e)
                        + "; its workloads are not scaled down this run"));
            }
        }
        return failed;
    }

    /** Resumes the plan's GitOps owners whose restores all went through (after they did). */
    private void resumes(ChoreContext ctx, DownscaleKube kube, String partition, DownscalePlan plan,
                         List<Action> applied, List<Action> out) {
        Map<String, Action.Status> status = new HashMap<>();
        for (Action a : applied) status.put(a.target(), a.status());
        for (DownscalePlan.GitOpsDecision g : plan.gitOps()) {
            if (g.pause()) continue;
            Action planned = gitOpsAction(partition, g, Action.Status.PLANNED);
            boolean allBack = g.workloads().stream().allMatch(ref -> {
                Action.Status st = status.get(partition + "/" + ref);
                return st == Action.Status.APPLIED || st == Action.Status.UNCHANGED;
            });
            if (!allBack) {
                out.add(planned.withStatus(Action.Status.SKIPPED, planned.detail()
                        + ": kept paused, not every restore went through"));
                continue;
            }
            try {
                DownscaleKube.PatchResult r = kube.pauseOrResume(g);
                out.add(r == DownscaleKube.PatchResult.PATCHED ? ctx.applied(planned)
                        : planned.withStatus(Action.Status.FAILED, planned.detail() + ": " + r + ", retried next run"));
            } catch (RuntimeException e) {
                out.add(planned.withStatus(Action.Status.FAILED, planned.detail() + ": " + ChoreRunner.describe(e)));
            }
        }
    }

    static Action gitOpsAction(String partition, DownscalePlan.GitOpsDecision g, Action.Status status) {
        return new Action(partition + "/" + g.owner().ref(), g.verb(), g.detail(), g.reason(), status);
    }

    private static boolean blockedByGitOps(Decision d, Set<String> notPaused) {
        if (notPaused.isEmpty() || d.verb() != Decision.Verb.SCALE_DOWN) return false;
        return GitOpsOwner.ownerKey(d.workload().labels(), d.workload().annotations()).map(notPaused::contains)
                .orElse(false);
    }

    private static Duration paceFor(ChoreContext ctx, Resource<ClusterSpec> cluster) {
        return ctx.state().downscalePolicies().stream()
                .filter(p -> p.spec().clusters().matches(cluster))
                .sorted(java.util.Comparator.comparing(Resource::name))
                .map(p -> p.spec().upscale()).filter(u -> u != null).findFirst()
                .map(u -> io.kubechores.core.Durations.parse(u.paceFor() == null
                        ? DownscalePolicySpec.Upscale.DEFAULT_PACE_FOR : u.paceFor()))
                .orElse(Duration.ZERO);
    }

    /**
     * Which Warning Events this cluster already has, in the state store: one Event per object and problem, POSTed
     * the first run that sees the problem, not on every run (the repeat POST was answered 409 each time). A problem
     * that is gone is forgotten, so it warns again if it comes back.
     */
    static final class WarnedOnce {
        private final StateStore store;
        private final String prefix;
        private final Set<String> before;
        private final Set<String> seen = new java.util.HashSet<>();

        WarnedOnce(StateStore store, String partition) {
            this.store = store;
            this.prefix = "warned/" + partition + "/";
            this.before = store.all(DownscaleChore.NAME).keySet().stream().filter(k -> k.startsWith(prefix))
                    .collect(java.util.stream.Collectors.toSet());
        }

        private String key(String object, String problem) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update((object + "\n" + problem).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return prefix + object + "/" + Long.toHexString(crc.getValue());
        }

        /** True (and remembered) when this object+problem has no Event yet. */
        boolean first(String object, String problem) {
            String k = key(object, problem);
            seen.add(k);
            if (before.contains(k)) return false;
            store.put(DownscaleChore.NAME, k, "1");
            return true;
        }

        /** The POST failed: try again next run. */
        void failed(String object, String problem) {
            String k = key(object, problem);
            store.remove(DownscaleChore.NAME, k);
            seen.remove(k);
        }

        void forgetTheRest() {
            for (String k : before) if (!seen.contains(k)) store.remove(DownscaleChore.NAME, k);
        }
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
        /** The changes' Events, beside the PATCHes (not holding their slots). */
        private final EventLane events = new EventLane(APPLY_CONCURRENCY);

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
                Action planned = Decisions.toAction(d, cluster.name(), Action.Status.PLANNED);
                done.complete(planned.withStatus(Action.Status.FAILED, planned.detail() + ": "
                        + ChoreRunner.describe(cause)));
            }
        }

        /** One PATCH (value + annotation), then one Event. A conflict re-reads the object and re-plans it once. */
        private CompletableFuture<Action> applyAsync(Decision d) {
            Action planned = Decisions.toAction(d, cluster.name(), Action.Status.PLANNED);
            if (!ctx.limit().tryAcquire()) {
                return CompletableFuture.completedFuture(planned.withStatus(Action.Status.LIMITED));
            }
            // write-ahead: the intent is in the audit trail (and the run still may mutate) before the PATCH is sent;
            // the audit writer's thread hands over to a virtual thread at once (it must not build requests)
            return ctx.audit().intent(DownscaleChore.NAME, planned).thenComposeAsync(intent -> {
                CompletableFuture<Action> r;
                try {
                    r = kube.patchAsync(d, true).thenCompose(p -> switch (p) {
                        case PATCHED -> applied(d, planned, intent);
                        case GONE -> CompletableFuture.completedFuture(
                                planned.withStatus(Action.Status.UNCHANGED, "deleted since it was read"));
                        case CONFLICT -> CompletableFuture.supplyAsync(() -> retryAfterConflict(d, planned, intent),
                                VIRTUAL).thenCompose(c -> c);
                    });
                } catch (RuntimeException e) {
                    r = CompletableFuture.failedFuture(e);
                }
                return r.whenComplete((a, e) -> {
                    if (a == null) {
                        Throwable cause = e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
                        intent.outcome(planned.withStatus(Action.Status.FAILED, planned.detail() + ": "
                                + ChoreRunner.describe(cause)));
                    } else if (a.status() != Action.Status.APPLIED) {
                        intent.outcome(a);
                    }
                });
            }, VIRTUAL);
        }

        /** Re-reads the object, re-plans it and patches once more (blocking: runs on a virtual thread). */
        private CompletableFuture<Action> retryAfterConflict(Decision d, Action planned, AuditLog.Intent intent) {
            Optional<Workload> fresh = kube.get(d.workload());
            if (fresh.isEmpty()) {
                return CompletableFuture.completedFuture(
                        planned.withStatus(Action.Status.UNCHANGED, "deleted since it was read"));
            }
            // re-plan with the rest of the cluster as read, so an HPA/ScaledObject still owns its target's replicas
            List<Workload> all = new ArrayList<>();
            for (Workload o : observed.workloads()) {
                all.add(o.kind() == fresh.get().kind() && o.namespace().equals(fresh.get().namespace())
                        && o.name().equals(fresh.get().name()) ? fresh.get() : o);
            }
            ClusterObservation again0 = new ClusterObservation(observed.namespaces(), all, Set.of());
            DownscalePlan again = DownscalePlanner.plan(replanner.input(again0), ctx.clock());
            Optional<Decision> redo = again.changes().stream()
                    .filter(c -> c.workload().ref().equals(fresh.get().ref())).findFirst();
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
            return applied(done, Decisions.toAction(done, cluster.name(), Action.Status.PLANNED), intent);
        }

        /**
         * Waits until every applied change's Event has been answered (call after every change's PATCH answered): the
         * partition ends with its Events recorded, one per change.
         */
        void eventsRecorded() throws InterruptedException {
            try {
                events.drained().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause()); // never: a failed Event completes the lane normally
            }
        }

        /**
         * Audits and logs an applied change and queues its Event on the lane: the change completes (its PATCH slot
         * takes the next change) without waiting for the Event; a failed Event is logged, not a failure.
         */
        private CompletableFuture<Action> applied(Decision done, Action planned, AuditLog.Intent intent) {
            Action applied = planned.withStatus(Action.Status.APPLIED);
            // as soon as the PATCH answered, before its Event; the audit trail logs the change's one INFO line
            // (job, target, action, detail, reason), as kube-downscaler logs one line per change
            intent.outcome(applied);
            events.submit(() -> {
                CompletableFuture<Void> event;
                try {
                    event = kube.eventAsync(done.workload(), "Normal", eventReason(done),
                            done.detail() + " — " + done.reason(), now);
                } catch (RuntimeException e) {
                    event = CompletableFuture.failedFuture(e);
                }
                return event.whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("job=downscale cluster={} could not record Event for {}: {}", cluster.name(),
                                done.workload().ref(), ChoreRunner.describe(e instanceof CompletionException c
                                        && c.getCause() != null ? c.getCause() : e));
                    }
                });
            });
            return CompletableFuture.completedFuture(applied);
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
}
