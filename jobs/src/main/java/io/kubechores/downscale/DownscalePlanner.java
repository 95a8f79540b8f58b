package io.kubechores.downscale;

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

import static io.kubechores.downscale.DownscaleAnnotations.*;

/**
 * The downscale rules: a pure function from (desired state, observed cluster, clock) to a {@link DownscalePlan}.
 *
 * <h2>Which schedule applies (first that says anything wins)</h2>
 * <ol>
 *   <li>force-uptime / force-downtime on the workload, then on its namespace ("true", or a schedule: forced while
 *       it contains now)</li>
 *   <li>uptime / downtime annotations on the workload</li>
 *   <li>uptime / downtime annotations on its namespace</li>
 *   <li>the first DownscalePolicy (by name) whose clusters, namespaces and kinds select the workload; its holidays
 *       and the Fleet's holidays (dates in the Fleet time zone) are downtime all day</li>
 *   <li>the Fleet default: no schedule, i.e. uptime (so removing a policy restores what it scaled down)</li>
 * </ol>
 * Annotations are read under kubechores.io/ first, then kube-downscaler's downscaler/. A level with only uptime means
 * "downtime whenever not uptime" and vice versa; with both, an instant in both or in neither changes nothing.
 * Schedules without a zone take the Fleet time zone.
 *
 * <h2>What happens</h2>
 * <ul>
 *   <li>Excluded (kube-system, the job's namespace, exclude / exclude-until on workload or namespace, policy
 *       exclusions): never scaled down; if it still carries an original-replicas annotation it is restored.</li>
 *   <li>Downtime, no original annotation, value above the downtime value: scale down, writing the original in the
 *       same PATCH — unless created less than the grace period ago (policy gracePeriod, default 15m).</li>
 *   <li>Downtime, original annotation, value no longer the downtime value: a human scaled it up — left alone.</li>
 *   <li>Uptime, original annotation, value still the downtime value: restore exactly and remove the annotation.</li>
 *   <li>Uptime, original annotation, value changed by a human: keep the human's value, remove the annotation (so the
 *       next downtime scales it down again).</li>
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
 * unused minute, so it is never starved. With the job scheduled every minute during mornings this restores at most
 * the budget per minute; scheduled less often it is proportionally slower (never faster).
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
     */
    public record Input(Resource<ClusterSpec> cluster, ZoneId fleetZone, List<LocalDate> fleetHolidays,
                       List<Resource<DownscalePolicySpec>> policies, Set<String> excludedNamespaces,
                       ClusterObservation observed, int budgetUsedThisMinute) {
        public Input {
            fleetHolidays = fleetHolidays == null ? List.of() : List.copyOf(fleetHolidays);
            policies = List.copyOf(policies);
            excludedNamespaces = Set.copyOf(excludedNamespaces);
        }
    }

    enum Mode { UP, DOWN, NONE }

    /** A resolved uptime/downtime pair with where it came from. */
    record Timing(Schedule uptime, Schedule downtime, Set<LocalDate> holidays, ZoneId holidayZone, String source) {
        Mode at(Instant t) {
            if (!holidays.isEmpty() && holidays.contains(LocalDate.ofInstant(t, holidayZone))) return Mode.DOWN;
            boolean up = uptime != null && uptime.contains(t);
            boolean down = downtime != null && downtime.contains(t);
            if (uptime != null && downtime != null) return up == down ? Mode.NONE : up ? Mode.UP : Mode.DOWN;
            if (uptime != null) return up ? Mode.UP : Mode.DOWN;
            if (downtime != null) return down ? Mode.DOWN : Mode.UP;
            return Mode.UP;
        }

        String describe(Mode m, Instant t) {
            if (!holidays.isEmpty() && holidays.contains(LocalDate.ofInstant(t, holidayZone))) {
                return "holiday " + LocalDate.ofInstant(t, holidayZone) + " (" + source + ")";
            }
            String what = uptime != null && downtime != null
                    ? "uptime " + uptime + " / downtime " + downtime
                    : uptime != null ? "uptime " + uptime : "downtime " + downtime;
            return switch (m) {
                case UP -> uptime != null && uptime.contains(t) ? "uptime: inside " + what + " (" + source + ")"
                        : "uptime: outside " + what + " (" + source + ")";
                case DOWN -> downtime != null && downtime.contains(t) ? "downtime: inside " + what + " (" + source + ")"
                        : "downtime: outside " + what + " (" + source + ")";
                case NONE -> "no change: " + what + " both or neither match (" + source + ")";
            };
        }
    }

    /** Settings read from one object's annotations (workload or namespace). */
    private record Settings(Optional<Found> uptime, Optional<Found> downtime, Schedule up, Schedule down,
                            String exclusion, Integer downtimeReplicas, String downtimeReplicasKey,
                            String force, Mode forceMode, List<String> problems) {
        boolean hasTiming() {
            return up != null || down != null;
        }
    }

    public static DownscalePlan plan(Input in, Clock clock) {
        return new Run(in, clock.instant()).plan();
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
                    .forEach(p -> policies.add(new CompiledPolicy(p, in.fleetZone(), in.fleetHolidays())));
        }

        DownscalePlan plan() {
            List<Workload> ws = new ArrayList<>(in.observed().workloads());
            ws.sort(Comparator.comparing(Workload::namespace).thenComparing(w -> w.kind().ordinal())
                    .thenComparing(Workload::name));
            for (Workload w : ws) decide(w);
            int budgetUsed = scheduleRestores();
            decisions.sort(Comparator.comparing((Decision d) -> d.workload().namespace())
                    .thenComparing(d -> d.workload().kind().ordinal()).thenComparing(d -> d.workload().name()));
            return new DownscalePlan(cluster, now, decisions, nsWarnings, List.copyOf(warnings), savings, unchanged,
                    excluded, budgetUsed);
        }

        private void decide(Workload w) {
            WorkloadKind k = w.kind();
            Settings ns = namespaceSettings(w.namespace());
            Settings ws = settings(w.annotations(), "workload");
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
            if (!ns.problems().isEmpty()) {
                decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                        "not touched: namespace " + w.namespace() + " has an unreadable annotation ("
                                + String.join("; ", ns.problems()) + ")", 0, false));
                return;
            }

            CompiledPolicy policy = policies.stream().filter(p -> p.selects(w)).findFirst().orElse(null);
            String exclusion = exclusion(w, ns, ws);
            int downtimeReplicas = ws.downtimeReplicas() != null ? ws.downtimeReplicas()
                    : ns.downtimeReplicas() != null ? ns.downtimeReplicas()
                    : policy != null && policy.spec.downtimeReplicas() != null ? policy.spec.downtimeReplicas() : 0;
            int dv = k.downtimeValue(downtimeReplicas);

            if (exclusion != null) {
                if (original != null) {
                    upDecision(w, original, dv, priority, "excluded (" + exclusion + ") while scaled down: restore");
                } else {
                    excluded++;
                }
                return;
            }

            Mode mode;
            String why;
            Timing timing = null;
            if (ws.forceMode() != null) {
                mode = ws.forceMode();
                why = ws.force();
            } else if (ns.forceMode() != null) {
                mode = ns.forceMode();
                why = ns.force() + " on namespace " + w.namespace();
            } else {
                if (ws.hasTiming()) {
                    timing = new Timing(ws.up(), ws.down(), Set.of(), in.fleetZone(), annotationSource(ws, "workload"));
                } else if (ns.hasTiming()) {
                    timing = new Timing(ns.up(), ns.down(), Set.of(), in.fleetZone(),
                            annotationSource(ns, "namespace " + w.namespace()));
                } else if (policy != null) {
                    timing = policy.timing;
                }
                if (timing == null) {
                    mode = Mode.UP;
                    why = "uptime: no schedule applies (Fleet default)";
                } else {
                    mode = timing.at(now);
                    why = timing.describe(mode, now);
                }
            }

            switch (mode) {
                case DOWN -> {
                    if (original == null) {
                        if (!k.above(w.value(), dv)) {
                            unchanged++;
                        } else {
                            Duration grace = policy != null ? policy.grace : DEFAULT_GRACE_PERIOD;
                            Duration age = w.created() == null ? Duration.ofDays(3650) : Duration.between(w.created(), now);
                            if (age.compareTo(grace) < 0) {
                                decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                                        "created " + Durations.compact(age) + " ago, within the grace period of "
                                                + Durations.compact(grace) + "; " + why, 0, false));
                            } else {
                                decisions.add(new Decision(w, Decision.Verb.SCALE_DOWN, w.value(), dv, why, 0, false));
                                gitopsWarning(w);
                                if (timing != null && k.runsPods()) addSavings(w, dv, timing);
                            }
                        }
                    } else if (w.value() == dv) {
                        unchanged++;
                    } else {
                        decisions.add(new Decision(w, Decision.Verb.SKIP, w.value(), w.value(),
                                "changed by someone during downtime (downtime value " + k.format(dv) + ", original "
                                        + k.format(original) + "): left alone until the next downtime; " + why,
                                0, false));
                    }
                }
                case UP -> {
                    if (original == null) unchanged++;
                    else upDecision(w, original, dv, priority, why);
                }
                case NONE -> unchanged++;
            }
        }

        private void upDecision(Workload w, int original, int dv, int priority, String why) {
            WorkloadKind k = w.kind();
            if (w.value() == dv) {
                int cost = switch (k) {
                    case CRONJOB -> 0;
                    case SCALEDOBJECT -> 1;
                    default -> Math.max(0, original - w.value());
                };
                restores.add(new Restore(w, original, priority, cost, why));
            } else {
                decisions.add(new Decision(w, Decision.Verb.FORGET_ORIGINAL, w.value(), w.value(),
                        "changed by someone during downtime to " + k.describe(w.value()) + " (original "
                                + k.format(original) + "): keep it; " + why, 0, false));
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

        private void addSavings(Workload w, int dv, Timing timing) {
            double hours = hoursUntilUp.computeIfAbsent(timing, t -> {
                Instant end = now.plus(SCAN_LIMIT);
                for (Instant t2 = now.plus(SCAN_STEP); t2.isBefore(end); t2 = t2.plus(SCAN_STEP)) {
                    if (t.at(t2) != Mode.DOWN) return Duration.between(now, t2).toMinutes() / 60.0;
                }
                return Duration.between(now, end).toMinutes() / 60.0;
            });
            int removed = w.value() - dv;
            savings = savings.plus(new DownscalePlan.Savings(removed * w.cpuPerReplica() * hours,
                    removed * w.memoryPerReplica() / GIB * hours, removed));
        }

        private void gitopsWarning(Workload w) {
            String argo = w.annotations().get("argocd.argoproj.io/tracking-id");
            if (argo == null) argo = w.labels().get("argocd.argoproj.io/instance");
            String flux = w.labels().get("kustomize.toolkit.fluxcd.io/name");
            if (flux == null) flux = w.labels().get("helm.toolkit.fluxcd.io/name");
            if (argo != null) {
                warnings.add(cluster + "/" + w.ref() + ": managed by Argo CD (" + argo + "): self-heal may revert "
                        + "the change unless the Application ignores " + field(w) + " (ignoreDifferences)");
            } else if (flux != null) {
                warnings.add(cluster + "/" + w.ref() + ": managed by Flux (" + flux + "): the next reconciliation may "
                        + "revert the change unless " + field(w) + " is left out of the manifest");
            }
        }

        private static String field(Workload w) {
            return switch (w.kind()) {
                case CRONJOB -> "/spec/suspend";
                case HPA -> "/spec/minReplicas";
                case SCALEDOBJECT -> "the paused-replicas annotation";
                default -> "/spec/replicas";
            };
        }

        private String exclusion(Workload w, Settings ns, Settings ws) {
            if (in.excludedNamespaces().contains(w.namespace())) {
                return "namespace " + w.namespace() + " is always excluded";
            }
            if (ns.exclusion() != null) return ns.exclusion() + " on namespace " + w.namespace();
            if (ws.exclusion() != null) return ws.exclusion();
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
                Settings s = settings(info == null ? Map.of() : info.annotations(), "namespace");
                if (!s.problems().isEmpty()) {
                    String msg = String.join("; ", s.problems());
                    nsWarnings.add(new DownscalePlan.NamespaceWarning(n, msg));
                    warnings.add(cluster + "/" + n + " (Namespace): " + msg + " — its workloads are not touched");
                }
                return s;
            });
        }

        private Settings settings(Map<String, String> ann, String what) {
            List<String> problems = new ArrayList<>();
            Optional<Found> upA = get(ann, UPTIME), downA = get(ann, DOWNTIME);
            Schedule up = upA.map(f -> schedule(f, problems)).orElse(null);
            Schedule down = downA.map(f -> schedule(f, problems)).orElse(null);
            String exclusion = null;
            Optional<Found> ex = get(ann, EXCLUDE);
            if (ex.isPresent() && !ex.get().value().strip().equalsIgnoreCase("false")) {
                exclusion = "annotation " + ex.get().key() + "=" + ex.get().value();
            }
            Optional<Found> until = get(ann, EXCLUDE_UNTIL);
            if (until.isPresent()) {
                try {
                    Instant u = parseUntil(until.get().value());
                    if (now.isBefore(u) && exclusion == null) {
                        exclusion = "annotation " + until.get().key() + "=" + until.get().value();
                    }
                } catch (DateTimeParseException e) {
                    problems.add("annotation " + until.get().key() + ": \"" + until.get().value()
                            + "\" is not a time (use 2026-12-24, 2026-12-24T08:00 or 2026-12-24T08:00:00Z, UTC)");
                }
            }
            Integer dr = null;
            String drKey = null;
            Optional<Found> drA = get(ann, DOWNTIME_REPLICAS);
            if (drA.isPresent()) {
                String v = drA.get().value().strip();
                if (v.matches("[0-9]+")) {
                    dr = Integer.parseInt(v);
                    drKey = drA.get().key();
                } else {
                    problems.add("annotation " + drA.get().key() + ": \"" + drA.get().value()
                            + "\" is not a whole number >= 0");
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
                    Schedule s = schedule(f.get(), problems);
                    on = s != null && s.contains(now);
                }
                if (on) {
                    force = "forced by annotation " + f.get().key() + "=" + f.get().value();
                    forceMode = setting.equals(FORCE_UPTIME) ? Mode.UP : Mode.DOWN;
                }
            }
            return new Settings(upA, downA, up, down, exclusion, dr, drKey, force, forceMode, problems);
        }

        private Schedule schedule(Found f, List<String> problems) {
            Object cached = scheduleCache.computeIfAbsent(f.value(), v -> {
                try {
                    return Schedule.parse(v, in.fleetZone());
                } catch (ScheduleParseException e) {
                    return e;
                }
            });
            if (cached instanceof ScheduleParseException e) {
                problems.add("annotation " + f.key() + "=\"" + f.value() + "\": column " + e.column() + ", \""
                        + e.fragment() + "\": " + e.problem());
                return null;
            }
            return (Schedule) cached;
        }

        private static String annotationSource(Settings s, String where) {
            List<String> keys = new ArrayList<>();
            s.uptime().ifPresent(f -> keys.add(f.key()));
            s.downtime().ifPresent(f -> keys.add(f.key()));
            return "annotation " + String.join(" + ", keys) + " on " + where;
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
        final Timing timing;
        final Duration grace;
        final Set<String> kinds;

        CompiledPolicy(Resource<DownscalePolicySpec> p, ZoneId fleetZone, List<LocalDate> fleetHolidays) {
            this.name = p.name();
            this.spec = p.spec();
            Schedule up = spec.uptime() == null ? null : Schedule.parse(spec.uptime(), fleetZone);
            Schedule down = spec.downtime() == null ? null : Schedule.parse(spec.downtime(), fleetZone);
            Set<LocalDate> holidays = new TreeSet<>(fleetHolidays);
            holidays.addAll(spec.holidays());
            this.timing = up == null && down == null && holidays.isEmpty() ? null
                    : new Timing(up, down, holidays, fleetZone, "policy " + name);
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
