package io.kubechores.downscale;
import io.kubechores.model.downscale.DownscaleAnnotations;


import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.NamespaceInfo;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.kubechores.core.Durations;
import io.kubechores.core.schedule.Schedule;
import io.kubechores.core.schedule.ScheduleParseException;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Resource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.kubechores.model.downscale.DownscaleAnnotations.*;

/**
 * The downscale rules: a pure function from (desired state, observed cluster, clock) to a {@link DownscalePlan}.
 *
 * <h2>Which schedule applies</h2>
 * <ol>
 *   <li>force-uptime / force-downtime on the workload, then on its namespace ("true", or a schedule: forced while
 *       it contains now)</li>
 *   <li>otherwise each key (uptime, downtime, exclude, exclude-until, downtime-replicas) from the workload, else its
 *       namespace, else the first DownscalePolicy (by name) whose clusters, namespaces and kinds select the workload
 *       (as kube-downscaler merges them); policy and Fleet holidays are downtime all day when no annotation sets a
 *       schedule key</li>
 *   <li>no schedule at all: uptime (so removing a policy restores what it scaled down)</li>
 * </ol>
 * Annotations are read under kubechores.io/ first, then kube-downscaler's downscaler/. Uptime means "inside uptime
 * (default always) and not inside downtime (default never)", so with both set an instant in neither or in both is
 * downtime, as in kube-downscaler. Schedules without a zone take the Fleet time zone, without days the Fleet's
 * downscale.defaultWeekFrame.
 *
 * <h2>What happens</h2>
 * <ul>
 *   <li>Excluded (kube-system, the job's namespace, exclude / exclude-until on workload or namespace, policy
 *       exclusions): never scaled down; if it still carries an original-replicas annotation it is restored.</li>
 *   <li>Downtime, no original annotation, value above the downtime value: scale down, writing the original in the
 *       same PATCH — unless created less than the grace period ago (policy gracePeriod, default 15m).</li>
 *   <li>Downtime, original annotation, value no longer the downtime value: a human changed it — kept until uptime,
 *       the original unchanged.</li>
 *   <li>Uptime, original annotation O, value below O: restore O and remove the annotation (whatever the downtime
 *       value was: a workload kube-downscaler left at 0 under downtimeReplicas 1 comes back).</li>
 *   <li>Uptime, original annotation O, value at or above O: keep it (a human wanted at least that), remove the
 *       annotation (so the next downtime scales it down again).</li>
 *   <li>A bad annotation (schedule, number, date) on a workload: skipped with a Warning Event; on a namespace: its
 *       workloads are skipped and the Namespace gets the Warning Event.</li>
 * </ul>
 *
 * <h2>Staggered upscale</h2>
 * Restores are ordered by kubechores.io/upscale-priority (higher first, default 0; equal priorities form one wave),
 * then namespace/name. The cluster's budget is spec.upscale.maxReplicasPerMinute of the first policy selecting the
 * cluster (0 or none = unlimited) and is counted per wall-clock minute across runs ({@link Input#budgetUsedThisMinute}).
 * A restore costs the replicas it adds (HPA: minReplicas added; ScaledObject: 1; CronJob: 0). Restores are taken in
 * order while they fit; the first that does not fit and everything after it are DEFERRED to a later run, so a lower
 * wave never overtakes a higher one. A single restore bigger than the whole budget goes alone in an otherwise
 * unused minute, so it is never starved. The chore paces deferred restores within the same run (it waits for the
 * next minute, re-reads and re-plans, for up to spec.upscale.paceFor), so a 15-minute schedule does not delay them by
 * 15 minutes.
 *
 * <h2>Autoscaled workloads: one owner for spec.replicas</h2>
 * An HPA or ScaledObject whose scaleTargetRef names an observed workload follows that workload's settings. HPA with
 * downtime replicas 0: the target is scaled to 0 and the HPA left alone; above 0: only the HPA's minReplicas. KEDA:
 * only the ScaledObject's paused-replicas, never the target, never KEDA's own HPA. See repo-layout/README.md.
 */
public final class DownscalePlanner {
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(15);
    /** Step used to find when downtime ends for the savings estimate. */
    private static final Duration SCAN_STEP = Duration.ofMinutes(5);
    private static final Duration SCAN_LIMIT = Duration.ofDays(8);
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final Pattern INT = Pattern.compile("-?[0-9]+");

    private DownscalePlanner() {}

    /**
     * @param cluster              the cluster planned
     * @param fleetZone            zone for schedules without one and for holiday dates
     * @param fleetHolidays        Fleet-wide holidays
     * @param policies             every DownscalePolicy (the planner selects those matching the cluster)
     * @param excludedNamespaces   never touched (kube-system, the job's own namespace)
     * @param observed             the cluster as read
     * @param budgetUsedThisMinute upscale replicas already restored on this cluster in the current minute
     * @param weekFrame            days of weekly ranges written without days (Fleet downscale.defaultWeekFrame), or null
     */
    public record Input(Resource<ClusterSpec> cluster, ZoneId fleetZone, List<LocalDate> fleetHolidays,
                       List<Resource<DownscalePolicySpec>> policies, Set<String> excludedNamespaces,
                       ClusterObservation observed, int budgetUsedThisMinute, Schedule.WeekFrame weekFrame) {
        public Input {
            fleetHolidays = fleetHolidays == null ? List.of() : List.copyOf(fleetHolidays);
            policies = List.copyOf(policies);
            excludedNamespaces = Set.copyOf(excludedNamespaces);
        }

        /** Without a default week frame (every weekly range names its days). */
        public Input(Resource<ClusterSpec> cluster, ZoneId fleetZone, List<LocalDate> fleetHolidays,
                     List<Resource<DownscalePolicySpec>> policies, Set<String> excludedNamespaces,
                     ClusterObservation observed, int budgetUsedThisMinute) {
            this(cluster, fleetZone, fleetHolidays, policies, excludedNamespaces, observed, budgetUsedThisMinute, null);
        }
    }

    enum Mode { UP, DOWN }

    /**
     * The merged schedule of one workload: each key from the workload, else its namespace, else the policy
     * (kube-downscaler merges key by key: py-kube-downscaler scaler.py autoscale_resources/autoscale_resource).
     */
    record Timing(Schedule uptime, String upSource, Schedule downtime, String downSource, Set<LocalDate> holidays,
                  ZoneId holidayZone) {
        /**
         * kube-downscaler: is_uptime = matches(uptime) and not matches(downtime), with uptime defaulting to "always"
         * and downtime to "never" (py-kube-downscaler scaler.py autoscale_resource). So with both set an instant in
         * neither, or in both, is downtime.
         */
        Mode at(Instant t) {
            if (!holidays.isEmpty() && holidays.contains(LocalDate.ofInstant(t, holidayZone))) return Mode.DOWN;
            boolean up = uptime == null || uptime.contains(t);
            boolean down = downtime != null && downtime.contains(t);
            return up && !down ? Mode.UP : Mode.DOWN;
        }

        String describe(Mode m, Instant t) {
            if (!holidays.isEmpty() && holidays.contains(LocalDate.ofInstant(t, holidayZone))) {
                return "holiday " + LocalDate.ofInstant(t, holidayZone) + " ("
                        + (upSource != null ? upSource : downSource) + ")";
            }
            String up = uptime == null ? null : "uptime " + uptime + " (" + upSource + ")";
            String down = downtime == null ? null : "downtime " + downtime + " (" + downSource + ")";
            boolean inUp = uptime != null && uptime.contains(t), inDown = downtime != null && downtime.contains(t);
            if (m == Mode.UP) {
                return up != null ? "uptime: inside " + up + (down != null ? ", outside " + down : "")
                        : "uptime: outside " + down;
            }
            if (inDown) return "downtime: inside " + down + (inUp ? " (downtime wins over " + up + ")" : "");
            return "downtime: outside " + up + (down != null ? " and outside " + down
                    + " (neither: downtime, as kube-downscaler)" : "");
        }
    }

    /** Settings read from one object's annotations (workload or namespace). */
    private record Settings(Optional<Found> uptime, Optional<Found> downtime, Schedule up, Schedule down,
                            Boolean exclude, String excludeText, Boolean excludeUntil, String excludeUntilText,
                            Integer downtimeReplicas, String force, Mode forceMode, List<String> problems) {}

    /** How a workload relates to an autoscaler that owns its spec.replicas. */
    private enum Role { PLAIN, HPA_TARGET, KEDA_TARGET, HPA_OWNER, KEDA_OWNER, KEDA_HPA }

    public static DownscalePlan plan(Input in, Clock clock) {
        return new Run(in, clock.instant()).plan();
    }

    /** A stretch of a policy's week that is all uptime or all downtime. */
    public record WeekSegment(Instant from, Instant to, boolean up) {}

    /**
     * A policy's current week (Monday 00:00 to Monday 00:00 in the Fleet zone) as uptime/downtime segments, for the
     * report's timeline, with the next scale-down and restore after now (null when none within 8 days).
     */
    public record PolicyWeek(String policy, Instant weekStart, Instant weekEnd, List<WeekSegment> segments,
                             Instant nextScaleDown, Instant nextRestore) {}

    /** Step of the timeline (schedules are minute-exact; the bars are drawn at this resolution). */
    static final Duration WEEK_STEP = Duration.ofMinutes(15);

    public static PolicyWeek week(Resource<DownscalePolicySpec> policy, ZoneId zone, List<LocalDate> fleetHolidays,
                                  Schedule.WeekFrame frame, Instant now) {
        CompiledPolicy p = new CompiledPolicy(policy, zone, fleetHolidays, frame);
        Timing t = new Timing(p.up, "policy " + p.name, p.down, "policy " + p.name, p.holidays, zone);
        Instant start = now.atZone(zone).toLocalDate()
                .with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY))
                .atStartOfDay(zone).toInstant();
        Instant end = start.atZone(zone).plusWeeks(1).toInstant();
        List<WeekSegment> segments = new ArrayList<>();
        Instant segStart = start;
        boolean up = t.at(start) == Mode.UP;
        for (Instant x = start.plus(WEEK_STEP); x.isBefore(end); x = x.plus(WEEK_STEP)) {
            boolean u = t.at(x) == Mode.UP;
            if (u != up) {
                segments.add(new WeekSegment(segStart, x, up));
                segStart = x;
                up = u;
            }
        }
        segments.add(new WeekSegment(segStart, end, up));
        Instant nextDown = null, nextUp = null;
        Instant minute = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        boolean was = t.at(minute) == Mode.UP;
        for (Instant x = minute.plus(Duration.ofMinutes(1)); x.isBefore(now.plus(SCAN_LIMIT))
                && (nextDown == null || nextUp == null); x = x.plus(Duration.ofMinutes(1))) {
            boolean u = t.at(x) == Mode.UP;
            if (was && !u && nextDown == null) nextDown = x;
            if (!was && u && nextUp == null) nextUp = x;
            was = u;
        }
        return new PolicyWeek(p.name, start, end, segments, nextDown, nextUp);
    }

    private static final class Run {
        final Input in;
        final Instant now;
        final String cluster;
        final List<CompiledPolicy> policies = new ArrayList<>();
        final Map<String, Object> scheduleCache = new HashMap<>();
        final Map<String, Settings> nsSettings = new HashMap<>();
        final Map<Timing, Double> hoursUntilUp = new HashMap<>();
        final List<Decision> decisions = new ArrayList<>();
        final List<DownscalePlan.NamespaceWarning> nsWarnings = new ArrayList<>();
        final Set<String> warnings = new LinkedHashSet<>();
        final List<Restore> restores = new ArrayList<>();
        /** ns/Kind/name of a target → the HPA and/or ScaledObject targeting it. */
        final Map<String, Workload> hpaOf = new HashMap<>();
        final Map<String, Workload> scaledObjectOf = new HashMap<>();
        final Map<String, Workload> byRef = new HashMap<>();
        DownscalePlan.Savings savings = DownscalePlan.Savings.NONE;
        int unchanged;
        int excluded;

        Run(Input in, Instant now) {
            this.in = in;
            this.now = now;
            this.cluster = in.cluster().name();
            in.policies().stream()
                    .filter(p -> p.spec().clusters().matches(in.cluster()))
                    .sorted(Comparator.comparing(Resource::name))
                    .forEach(p -> policies.add(new CompiledPolicy(p, in.fleetZone(), in.fleetHolidays(),
                            in.weekFrame())));
            for (CompiledPolicy p : policies) {
                p.warnings.forEach(w -> warnings.add("policy " + p.name + ": " + w));
            }
        }

        DownscalePlan plan() {
            List<Workload> ws = new ArrayList<>(in.observed().workloads());
            ws.sort(Comparator.comparing(Workload::namespace).thenComparing(w -> w.kind().ordinal())
                    .thenComparing(Workload::name));
            for (Workload w : ws) {
                byRef.put(w.namespace() + "/" + w.kindAndName(), w);
                if (w.scaleTarget() == null) continue;
                String target = w.namespace() + "/" + w.scaleTarget();
                if (w.kind() == WorkloadKind.HPA) hpaOf.putIfAbsent(target, w);
                if (w.kind() == WorkloadKind.SCALEDOBJECT) scaledObjectOf.putIfAbsent(target, w);
            }
            for (Workload w : ws) decide(w);
            int budgetUsed = scheduleRestores();
            decisions.sort(Comparator.comparing((Decision d) -> d.workload().namespace())
                    .thenComparing(d -> d.workload().kind().ordinal()).thenComparing(d -> d.workload().name()));
            List<DownscalePlan.GitOpsDecision> gitOps = gitOps(ws);
            return new DownscalePlan(cluster, now, decisions, nsWarnings, List.copyOf(warnings), savings, unchanged,
                    excluded, budgetUsed, gitOps);
        }

        /**
         * GitOps-safe downscaling: a Flux Kustomization/HelmRelease or Argo CD Application owning a workload that is
         * (or stays) scaled down is paused first; once none of its workloads is held down any more (all restored,
         * none deferred) it is resumed. Only what kubechores paused ({@link GitOpsOwner#MARKER}) is ever resumed.
         */
        private List<DownscalePlan.GitOpsDecision> gitOps(List<Workload> ws) {
            Map<String, GitOpsOwner> owners = new HashMap<>();
            for (GitOpsOwner o : in.observed().gitOpsOwners()) owners.put(o.key(), o);
            if (owners.isEmpty()) return List.of();
            Map<Workload, Decision.Verb> verbs = new HashMap<>();
            for (Decision d : decisions) verbs.put(d.workload(), d.verb());
            Map<String, List<String>> held = new java.util.TreeMap<>(), back = new java.util.TreeMap<>();
            for (Workload w : ws) {
                Optional<String> key = GitOpsOwner.ownerKey(w.labels(), w.annotations());
                if (key.isEmpty() || !owners.containsKey(key.get())) continue;
                Decision.Verb v = verbs.get(w);
                boolean hasOriginal = get(w.annotations(), ORIGINAL_REPLICAS).isPresent();
                if (v == Decision.Verb.SCALE_DOWN || v == Decision.Verb.DEFER || (hasOriginal
                        && v != Decision.Verb.RESTORE && v != Decision.Verb.FORGET_ORIGINAL)) {
                    held.computeIfAbsent(key.get(), k -> new ArrayList<>()).add(w.ref());
                } else if (v == Decision.Verb.RESTORE || v == Decision.Verb.FORGET_ORIGINAL) {
                    back.computeIfAbsent(key.get(), k -> new ArrayList<>()).add(w.ref());
                }
            }
            List<DownscalePlan.GitOpsDecision> out = new ArrayList<>();
            for (GitOpsOwner o : owners.values().stream().sorted(Comparator.comparing(GitOpsOwner::key)).toList()) {
                List<String> h = held.get(o.key());
                if (h != null && !o.paused()) {
                    out.add(new DownscalePlan.GitOpsDecision(o, true, h, "would revert the downscale of "
                            + String.join(", ", h) + ": paused until they are all back"));
                } else if (h != null && !o.pausedByUs()) {
                    warnings.add(cluster + "/" + o.ref() + ": already paused by someone else: left as is, not resumed "
                            + "by kubechores");
                } else if (h == null && o.pausedByUs()) {
                    List<String> b = back.getOrDefault(o.key(), List.of());
                    out.add(new DownscalePlan.GitOpsDecision(o, false, b, b.isEmpty()
                            ? "none of its workloads is scaled down any more: resumed"
                            : "its workloads are back (" + String.join(", ", b) + "): resumed after the restores"));
                }
            }
            return out;
        }

        /** The observed target of an HPA/ScaledObject, if any. */
        private Workload targetOf(Workload w) {
            return w.scaleTarget() == null ? null : byRef.get(w.namespace() + "/" + w.scaleTarget());
        }

        private Role role(Workload w) {
            String ref = w.namespace() + "/" + w.kindAndName();
            if (scaledObjectOf.containsKey(ref)) return Role.KEDA_TARGET;
            if (hpaOf.containsKey(ref)) return Role.HPA_TARGET;
            Workload t = targetOf(w);
            if (t == null) return Role.PLAIN;
            if (w.kind() == WorkloadKind.SCALEDOBJECT) return Role.KEDA_OWNER;
            String target = w.namespace() + "/" + t.kindAndName();
            return scaledObjectOf.containsKey(target) ? Role.KEDA_HPA : Role.HPA_OWNER;
        }

        /** What a workload's settings resolve to (for an HPA/ScaledObject with an observed target: the target's). */
        private record Resolved(Mode mode, String why, int downtimeReplicas, String exclusion, Timing timing,
                                CompiledPolicy policy) {}

        private void decide(Workload w) {
            WorkloadKind k = w.kind();
            Settings ws = settings(w.annotations(), "workload", w.ref());
            List<String> problems = new ArrayList<>(ws.problems());
            Integer original = null;
            Optional<Found> orig = get(w.annotations(), ORIGINAL_REPLICAS);
            if (orig.isPresent()) {
                try {
                    original = k.parse(orig.get().value());
                } catch (NumberFormatException e) {
                    problems.add("annotation " + orig.get().key() + ": " + e.getMessage());
                }
            }
            int priority = 0;
            String prio = w.annotations().get(UPSCALE_PRIORITY);
            if (prio != null) {
                if (INT.matcher(prio.strip()).matches()) priority = Integer.parseInt(prio.strip());
                else problems.add("annotation " + UPSCALE_PRIORITY + ": \"" + prio + "\" is not a whole number");
            }
            if (!problems.isEmpty()) {
                String reason = "not touched: " + String.join("; ", problems);
                decisions.add(new Decision(w, Decision.Verb.INVALID, w.value(), w.value(), reason, 0, true));
                warnings.add(cluster + "/" + w.ref() + ": " + String.join("; ", problems));
                return;
            }
            Role role = role(w);
            Workload governing = w;
            if (role == Role.HPA_OWNER || role == Role.KEDA_OWNER || role == Role.KEDA_HPA) governing = targetOf(w);
            if (role == Role.KEDA_HPA) {
                // KEDA creates and reconciles this HPA (keda-hpa-<name>); only the ScaledObject is ever written
                unchanged++;
                return;
            }
            Settings gs = governing == w ? ws : settings(governing.annotations(), "workload", governing.ref());
            if (!gs.problems().isEmpty()) {
                decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                        "not touched: its target " + governing.kindAndName() + " has an unreadable annotation", 0,
                        false));
                return;
            }
            Settings ns = namespaceSettings(w.namespace());
            if (!ns.problems().isEmpty()) {
                decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                        "not touched: namespace " + w.namespace() + " has an unreadable annotation ("
                                + String.join("; ", ns.problems()) + ")", 0, false));
                return;
            }
            Resolved r = resolve(governing, gs, ns);
            String via = governing == w ? "" : " (settings of its target " + governing.kindAndName() + ")";
            int dv = k.downtimeValue(r.downtimeReplicas());
            // py-kube-downscaler README: patching both an HPA and its target races; one owner for spec.replicas
            int targetDv = governing.kind().downtimeValue(r.downtimeReplicas());

            if (r.exclusion() != null) {
                if (original != null) {
                    upDecision(w, role, original, priority, "excluded (" + r.exclusion() + ")" + via
                            + " while scaled down: restore");
                } else {
                    excluded++;
                }
                return;
            }
            String why = r.why() + via;
            switch (r.mode()) {
                case DOWN -> {
                    if (original != null) {
                        if (w.value() == dv || (role == Role.HPA_TARGET && targetDv > 0)) {
                            unchanged++;
                        } else {
                            decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                                    "changed by someone during downtime (downtime value " + k.format(dv)
                                            + ", original " + k.format(original) + "): kept until uptime, the "
                                            + "original stays recorded; " + why, 0, false));
                        }
                        return;
                    }
                    if (!k.above(w.value(), dv)) {
                        unchanged++;
                        return;
                    }
                    String owner = null;
                    if (role == Role.KEDA_TARGET) owner = "its replicas belong to KEDA ScaledObject "
                            + scaledObjectOf.get(w.namespace() + "/" + w.kindAndName()).name() + " (paused instead)";
                    if (role == Role.HPA_TARGET && targetDv > 0) owner = "its replicas belong to HPA "
                            + hpaOf.get(w.namespace() + "/" + w.kindAndName()).name() + " (its minReplicas is lowered "
                            + "instead)";
                    if (role == Role.HPA_OWNER && targetDv == 0) owner = "its target " + governing.kindAndName()
                            + " is scaled to 0 instead (an HPA does not act on a target at 0 replicas)";
                    if (owner != null) {
                        unchanged++;
                        return;
                    }
                    Duration grace = r.policy() != null ? r.policy().grace : DEFAULT_GRACE_PERIOD;
                    Instant created = governing.created() != null ? governing.created() : w.created();
                    Duration age = created == null ? Duration.ofDays(3650) : Duration.between(created, now);
                    if (age.compareTo(grace) < 0) {
                        decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                                "created " + Durations.compact(age) + " ago, within the grace period of "
                                        + Durations.compact(grace) + "; " + why, 0, false));
                        return;
                    }
                    String extra = role == Role.HPA_TARGET ? "; HPA " + hpaOf.get(w.namespace() + "/"
                            + w.kindAndName()).name() + " is left as is (it does not act on a target at 0)" : "";
                    decisions.add(new Decision(w, Decision.Verb.SCALE_DOWN, w.value(), dv, why + extra, 0, false));
                    gitopsWarning(w);
                    if (r.timing() != null) {
                        if (k.runsPods()) addSavings(w, w.value() - dv, w, r.timing());
                        else if (governing != w && governing.kind().runsPods() && k == WorkloadKind.HPA) {
                            addSavings(w, Math.max(0, governing.value() - dv), governing, r.timing());
                        }
                    }
                }
                case UP -> {
                    if (original == null) unchanged++;
                    else upDecision(w, role, original, priority, why);
                }
            }
        }

        private Resolved resolve(Workload w, Settings ws, Settings ns) {
            CompiledPolicy policy = policies.stream().filter(p -> p.selects(w)).findFirst().orElse(null);
            String exclusion = exclusion(w, ns, ws);
            int downtimeReplicas = ws.downtimeReplicas() != null ? ws.downtimeReplicas()
                    : ns.downtimeReplicas() != null ? ns.downtimeReplicas()
                    : policy != null && policy.spec.downtimeReplicas() != null ? policy.spec.downtimeReplicas() : 0;
            if (ws.forceMode() != null) return new Resolved(ws.forceMode(), ws.force(), downtimeReplicas, exclusion,
                    null, policy);
            if (ns.forceMode() != null) return new Resolved(ns.forceMode(), ns.force() + " on namespace "
                    + w.namespace(), downtimeReplicas, exclusion, null, policy);
            // key by key: workload, else namespace, else policy
            Schedule up = null, down = null;
            String upSrc = null, downSrc = null;
            if (ws.up() != null) {
                up = ws.up();
                upSrc = "annotation " + ws.uptime().orElseThrow().key() + " on workload";
            } else if (ns.up() != null) {
                up = ns.up();
                upSrc = "annotation " + ns.uptime().orElseThrow().key() + " on namespace " + w.namespace();
            } else if (policy != null && policy.up != null) {
                up = policy.up;
                upSrc = "policy " + policy.name;
            }
            if (ws.down() != null) {
                down = ws.down();
                downSrc = "annotation " + ws.downtime().orElseThrow().key() + " on workload";
            } else if (ns.down() != null) {
                down = ns.down();
                downSrc = "annotation " + ns.downtime().orElseThrow().key() + " on namespace " + w.namespace();
            } else if (policy != null && policy.down != null) {
                down = policy.down;
                downSrc = "policy " + policy.name;
            }
            boolean annotated = ws.up() != null || ws.down() != null || ns.up() != null || ns.down() != null;
            Set<LocalDate> holidays = policy != null && !annotated ? policy.holidays : Set.of();
            if (up == null && down == null && holidays.isEmpty()) {
                return new Resolved(Mode.UP, "uptime: no schedule applies (Fleet default)", downtimeReplicas,
                        exclusion, null, policy);
            }
            Timing timing = new Timing(up, upSrc, down, downSrc, holidays, in.fleetZone());
            Mode mode = timing.at(now);
            return new Resolved(mode, timing.describe(mode, now), downtimeReplicas, exclusion, timing, policy);
        }

        /**
         * The rule at uptime (and when excluded) for a recorded original O: restored whenever the current value is
         * below O; a value at or above O is kept (a human wanted at least that) and the annotation removed.
         */
        private void upDecision(Workload w, Role role, int original, int priority, String why) {
            WorkloadKind k = w.kind();
            boolean below = k.belowOriginal(w.value(), original);
            String forget = null;
            if (role == Role.KEDA_TARGET) {
                forget = "its replicas belong to KEDA ScaledObject " + scaledObjectOf.get(w.namespace() + "/"
                        + w.kindAndName()).name() + ", never written directly";
            } else if (role == Role.HPA_TARGET && w.value() > 0) {
                forget = "its replicas belong to HPA " + hpaOf.get(w.namespace() + "/" + w.kindAndName()).name();
            }
            if (below && forget == null) {
                int cost = switch (k) {
                    case CRONJOB -> 0;
                    case SCALEDOBJECT -> 1;
                    default -> Math.max(0, original - w.value());
                };
                restores.add(new Restore(w, original, priority, cost, why));
            } else if (forget != null) {
                decisions.add(new Decision(w, Decision.Verb.FORGET_ORIGINAL, w.value(), w.value(),
                        forget + ": only the original annotation is dropped; " + why, 0, false));
            } else {
                decisions.add(new Decision(w, Decision.Verb.FORGET_ORIGINAL, w.value(), w.value(),
                        k.describe(w.value()) + " is at or above the original " + k.format(original)
                                + " (someone scaled it): keep it; " + why, 0, false));
            }
        }
        /** Orders restores into waves and applies the per-minute budget; returns budget used this minute. */
        private int scheduleRestores() {
            int budget = policies.stream().map(p -> p.spec.upscale()).filter(u -> u != null)
                    .mapToInt(DownscalePolicySpec.Upscale::maxReplicasPerMinute).findFirst().orElse(0);
            restores.sort(Comparator.comparingInt(Restore::priority).reversed()
                    .thenComparing(r -> r.w.namespace()).thenComparing(r -> r.w.kind().ordinal())
                    .thenComparing(r -> r.w.name()));
            List<Integer> prios = restores.stream().map(Restore::priority).distinct().toList();
            int used = in.budgetUsedThisMinute();
            boolean stopped = false;
            for (Restore r : restores) {
                int wave = prios.indexOf(r.priority) + 1;
                String waveText = "wave " + wave + " (upscale-priority " + r.priority + ")";
                boolean fits = budget <= 0 || used + r.cost <= budget || used == 0;
                if (!stopped && fits) {
                    used += r.cost;
                    String b = budget > 0 ? ", " + used + "/" + budget + " replicas this minute" : "";
                    decisions.add(new Decision(r.w, Decision.Verb.RESTORE, r.w.value(), r.original,
                            r.why + "; " + waveText + b, wave, false));
                    gitopsWarning(r.w);
                } else {
                    stopped = true;
                    decisions.add(new Decision(r.w, Decision.Verb.DEFER, r.w.value(), r.original,
                            r.why + "; " + waveText + " waits: upscale budget " + budget
                                    + " replicas/minute is used, restored on a later run", wave, false));
                }
            }
            return used;
        }

        /** Adds removed replicas of podsOf (the workload itself, or an HPA's target) until the next uptime. */
        private void addSavings(Workload w, int removed, Workload podsOf, Timing timing) {
            double hours = hoursUntilUp.computeIfAbsent(timing, t -> {
                Instant end = now.plus(SCAN_LIMIT);
                for (Instant t2 = now.plus(SCAN_STEP); t2.isBefore(end); t2 = t2.plus(SCAN_STEP)) {
                    if (t.at(t2) != Mode.DOWN) return Duration.between(now, t2).toMinutes() / 60.0;
                }
                return Duration.between(now, end).toMinutes() / 60.0;
            });
            savings = savings.plus(new DownscalePlan.Savings(removed * podsOf.cpuPerReplica() * hours,
                    removed * podsOf.memoryPerReplica() / GIB * hours, removed));
        }

        private void gitopsWarning(Workload w) {
            Optional<String> key = GitOpsOwner.ownerKey(w.labels(), w.annotations());
            if (key.isEmpty()) return;
            boolean observed = in.observed().gitOpsOwners().stream().anyMatch(o -> o.key().equals(key.get()));
            if (observed) return; // paused and resumed by the plan's GitOps decisions
            String what = key.get().substring(0, key.get().indexOf(':'));
            String name = key.get().substring(key.get().indexOf(':') + 1);
            if (what.equals("APPLICATION")) {
                warnings.add(cluster + "/" + w.ref() + ": managed by Argo CD Application " + name + " (not found, so not "
                        + "paused): self-heal may revert " + field(w) + "; kubechores writes it as field manager "
                        + DownscaleAnnotations.FIELD_MANAGER + ", so the Application can keep it with ignoreDifferences: "
                        + "[{group: " + group(w) + ", kind: " + w.kind().kindName() + ", managedFieldsManagers: ["
                        + DownscaleAnnotations.FIELD_MANAGER + "]}] and syncPolicy.syncOptions: "
                        + "[RespectIgnoreDifferences=true]");
            } else {
                warnings.add(cluster + "/" + w.ref() + ": managed by Flux " + name + " (not found, so not suspended): "
                        + "the next reconciliation may revert the change unless " + field(w)
                        + " is left out of the manifest");
            }
        }

        private static String group(Workload w) {
            String av = w.kind().apiVersion();
            return av.contains("/") ? av.substring(0, av.indexOf('/')) : "\"\"";
        }

        private static String field(Workload w) {
            return switch (w.kind()) {
                case CRONJOB -> "/spec/suspend";
                case HPA -> "/spec/minReplicas";
                case SCALEDOBJECT -> "the paused-replicas annotation";
                default -> "/spec/replicas";
            };
        }

        /**
         * exclude and exclude-until are read key by key (workload, else namespace), so a workload's explicit
         * exclude=false overrides its namespace's exclude=true (GoKubeDownscaler scopes; py-kube-downscaler ORs them).
         */
        private String exclusion(Workload w, Settings ns, Settings ws) {
            if (in.excludedNamespaces().contains(w.namespace())) {
                return "namespace " + w.namespace() + " is always excluded";
            }
            if (ws.exclude() != null ? ws.exclude() : Boolean.TRUE.equals(ns.exclude())) {
                return ws.exclude() != null ? ws.excludeText() : ns.excludeText() + " on namespace " + w.namespace();
            }
            if (ws.excludeUntil() != null ? ws.excludeUntil() : Boolean.TRUE.equals(ns.excludeUntil())) {
                return ws.excludeUntil() != null ? ws.excludeUntilText()
                        : ns.excludeUntilText() + " on namespace " + w.namespace();
            }
            for (CompiledPolicy p : policies) {
                for (DownscalePolicySpec.WorkloadRef ref : p.spec.exclusions()) {
                    if (glob(ref.namespace(), w.namespace()) && glob(ref.kind(), w.kind().kindName())
                            && glob(ref.name(), w.name())) {
                        return "policy " + p.name + " excludes it";
                    }
                }
            }
            return null;
        }

        private Settings namespaceSettings(String ns) {
            return nsSettings.computeIfAbsent(ns, n -> {
                NamespaceInfo info = in.observed().namespaces().get(n);
                Settings s = settings(info == null ? Map.of() : info.annotations(), "namespace", n + " (Namespace)");
                if (!s.problems().isEmpty()) {
                    String msg = String.join("; ", s.problems());
                    nsWarnings.add(new DownscalePlan.NamespaceWarning(n, msg));
                    warnings.add(cluster + "/" + n + " (Namespace): " + msg + " — its workloads are not touched");
                }
                return s;
            });
        }

        private Settings settings(Map<String, String> ann, String what, String ref) {
            List<String> problems = new ArrayList<>();
            Optional<Found> upA = get(ann, UPTIME), downA = get(ann, DOWNTIME);
            Schedule up = upA.map(f -> schedule(f, problems, ref)).orElse(null);
            Schedule down = downA.map(f -> schedule(f, problems, ref)).orElse(null);
            Boolean exclude = null;
            String excludeText = null;
            Optional<Found> ex = get(ann, EXCLUDE);
            if (ex.isPresent()) {
                // kube-downscaler: any value other than "false" excludes (to be on the safe side)
                exclude = !ex.get().value().strip().equalsIgnoreCase("false");
                excludeText = "annotation " + ex.get().key() + "=" + ex.get().value();
            }
            Boolean excludeUntil = null;
            String excludeUntilText = null;
            Optional<Found> until = get(ann, EXCLUDE_UNTIL);
            if (until.isPresent()) {
                try {
                    excludeUntil = now.isBefore(parseUntil(until.get().value()));
                    excludeUntilText = "annotation " + until.get().key() + "=" + until.get().value();
                } catch (DateTimeParseException e) {
                    problems.add("annotation " + until.get().key() + ": \"" + until.get().value()
                            + "\" is not a time (use 2026-12-24, 2026-12-24T08:00 or 2026-12-24T08:00:00Z, UTC)");
                }
            }
            Integer dr = null;
            Optional<Found> drA = get(ann, DOWNTIME_REPLICAS);
            if (drA.isEmpty() && ann.containsKey(GO_DOWNSCALE_REPLICAS)) {
                drA = Optional.of(new Found(GO_DOWNSCALE_REPLICAS, ann.get(GO_DOWNSCALE_REPLICAS)));
            }
            if (drA.isPresent()) {
                String v = drA.get().value().strip();
                if (v.matches("[0-9]{1,9}")) {
                    dr = Integer.parseInt(v);
                } else {
                    problems.add("annotation " + drA.get().key() + ": \"" + drA.get().value()
                            + "\" is not a whole number >= 0" + (v.endsWith("%") ? " (percentages are not supported)" : ""));
                }
            }
            String force = null;
            Mode forceMode = null;
            for (String setting : List.of(FORCE_UPTIME, FORCE_DOWNTIME)) {
                Optional<Found> f = get(ann, setting);
                if (f.isEmpty() || forceMode != null) continue;
                String v = f.get().value().strip();
                boolean on;
                if (v.equalsIgnoreCase("true")) on = true;
                else if (v.equalsIgnoreCase("false")) on = false;
                else {
                    Schedule s = schedule(f.get(), problems, ref);
                    on = s != null && s.contains(now);
                }
                if (on) {
                    force = "forced by annotation " + f.get().key() + "=" + f.get().value();
                    forceMode = setting.equals(FORCE_UPTIME) ? Mode.UP : Mode.DOWN;
                }
            }
            return new Settings(upA, downA, up, down, exclude, excludeText, excludeUntil, excludeUntilText, dr, force,
                    forceMode, problems);
        }

        private Schedule schedule(Found f, List<String> problems, String ref) {
            Object cached = scheduleCache.computeIfAbsent(f.value(), v -> {
                try {
                    return Schedule.parse(v, in.fleetZone(), in.weekFrame());
                } catch (ScheduleParseException e) {
                    return e;
                }
            });
            if (cached instanceof ScheduleParseException e) {
                problems.add("annotation " + f.key() + "=\"" + f.value() + "\": column " + e.column() + ", \""
                        + e.fragment() + "\": " + e.problem());
                return null;
            }
            Schedule s = (Schedule) cached;
            for (String w : s.warnings()) warnings.add(cluster + "/" + ref + ": annotation " + f.key() + ": " + w);
            return s;
        }
    }

    /** exclude-until formats of kube-downscaler, read as UTC; an explicit offset is honoured too. */
    static Instant parseUntil(String text) {
        String t = text.strip();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // fall through to the local forms
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}")) return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        String iso = t.replace(' ', 'T');
        return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }

    private record Restore(Workload w, int original, int priority, int cost, String why) {}

    /** A policy with its schedule parsed once. */
    private static final class CompiledPolicy {
        final String name;
        final DownscalePolicySpec spec;
        final Schedule up;
        final Schedule down;
        final Set<LocalDate> holidays;
        final List<String> warnings = new ArrayList<>();
        final Duration grace;
        final Set<String> kinds;

        CompiledPolicy(Resource<DownscalePolicySpec> p, ZoneId fleetZone, List<LocalDate> fleetHolidays,
                       Schedule.WeekFrame weekFrame) {
            this.name = p.name();
            this.spec = p.spec();
            this.up = spec.uptime() == null ? null : Schedule.parse(spec.uptime(), fleetZone, weekFrame);
            this.down = spec.downtime() == null ? null : Schedule.parse(spec.downtime(), fleetZone, weekFrame);
            if (up != null) up.warnings().forEach(w -> warnings.add("spec.uptime: " + w));
            if (down != null) down.warnings().forEach(w -> warnings.add("spec.downtime: " + w));
            Set<LocalDate> hs = new TreeSet<>(fleetHolidays);
            hs.addAll(spec.holidays());
            this.holidays = Set.copyOf(hs);
            this.grace = spec.gracePeriod() == null ? DEFAULT_GRACE_PERIOD : Durations.parse(spec.gracePeriod());
            this.kinds = new HashSet<>(spec.kinds());
        }

        boolean selects(Workload w) {
            return spec.namespaces().matches(w.namespace())
                    && (kinds.isEmpty() || kinds.contains(w.kind().kindName()));
        }
    }

    static boolean glob(String pattern, String value) {
        if (pattern == null || pattern.isEmpty() || pattern.equals("*")) return true;
        if (!pattern.contains("*")) return pattern.equals(value);
        String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q");
        return Pattern.matches(regex, value);
    }
}
