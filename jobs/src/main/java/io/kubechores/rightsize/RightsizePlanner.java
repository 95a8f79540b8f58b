package io.kubechores.rightsize;
import io.kubechores.model.rightsize.Observation;


import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.model.rightsize.Observation.Amount;
import io.kubechores.model.rightsize.Observation.ContainerRecommendation;
import io.kubechores.rightsize.RightsizePlan.ContainerProposal;
import io.kubechores.rightsize.RightsizePlan.Evidence;
import io.kubechores.rightsize.RightsizePlan.FieldChange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * The right-sizing rules, as a pure function: located observations + what the sources say today → proposals.
 * <ol>
 *   <li>Roll up every workload sharing one source block (same file, same document or values path) and container
 *       across clusters: {@code max} of the VPA basis (target or upperBound) or the nearest-rank {@code percentile}.</li>
 *   <li>Add {@code marginPercent}, round up to sane steps ({@link Rounding}), clamp to the policy's floors/caps.</li>
 *   <li>Skip a field whose change is below {@code minChangePercent}; never touch CPU where an HPA scales on CPU
 *       (unless {@code touchCpuWithHpa}); only edit values the source already sets.</li>
 *   <li>Limits: {@code keepRatio} scales an existing limit with its request; {@code memoryEqualsRequest} sets an
 *       existing memory limit to the new memory request; {@code leave} keeps limits. A limit that would end up
 *       below its new request is raised to the request in every mode (the API server rejects request &gt; limit).</li>
 * </ol>
 * Cost: requests are priced at {@link #USD_PER_VCPU_HOUR} and {@link #USD_PER_GIB_HOUR} (AWS m6i on-demand,
 * us-east-1, split by vCPU:GiB) over {@link #HOURS_PER_MONTH} hours, times each cluster's replicas.
 */
public final class RightsizePlanner {
    /** Price assumption per requested vCPU-hour (USD): m6i.large $0.096/h ≈ 2 × 0.0316 + 8 × 0.0042. */
    public static final double USD_PER_VCPU_HOUR = 0.0316;
    /** Price assumption per requested GiB-hour of memory (USD). */
    public static final double USD_PER_GIB_HOUR = 0.0042;
    public static final double HOURS_PER_MONTH = 730;

    private RightsizePlanner() {}

    /** Key of a (source block, container) pair in {@code sourceValues}. */
    public static String valuesKey(SourceRef source, String container) {
        return source.key() + "|" + container;
    }

    /**
     * @param policyName   the RightsizePolicy's name (for notes)
     * @param spec         the policy
     * @param located      every observed workload in the policy's scope, found or not
     * @param sourceValues what each source block says per container today, by {@link #valuesKey}; absent = the
     *                     container is not written in the source
     */
    public static RightsizePlan plan(String policyName, RightsizePolicySpec spec, List<Located> located,
                                     Map<String, ResourceValues> sourceValues) {
        return plan(policyName, spec, located, sourceValues, null);
    }

    /**
     * As {@link #plan(String, RightsizePolicySpec, List, Map)} at {@code now}: a block whose VPAs have not all
     * observed their workload for {@code minObservationDays} waits (a note, no change). The VPA recommender scales
     * its lower/upper bounds by a confidence multiplier that depends on how many days of history it has
     * (kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/logic/estimator.go; autoscaler PR #7843 made
     * the intervals configurable "to influence how fast the upper and lower bounds converge"), so a young VPA's
     * bounds are still wide; the creationTimestamp is the observation start.
     */
    public static RightsizePlan plan(String policyName, RightsizePolicySpec spec, List<Located> located,
                                     Map<String, ResourceValues> sourceValues, java.time.Instant now) {
        List<String> notes = new ArrayList<>();
        List<Located> unlocated = located.stream().filter(l -> !l.found())
                .sorted(Comparator.comparing(l -> l.workload().id())).toList();

        // source block key -> container -> observations (sorted for determinism)
        Map<String, Map<String, List<Observation>>> byBlock = new TreeMap<>();
        Map<String, SourceRef> refs = new TreeMap<>();
        for (Located l : located) {
            if (!l.found()) continue;
            refs.putIfAbsent(l.source().key(), l.source());
            for (ContainerRecommendation r : l.workload().recommendations()) {
                if (Boolean.FALSE.equals(l.workload().initContainers().get(r.container()))) continue; // see below
                byBlock.computeIfAbsent(l.source().key(), k -> new TreeMap<>())
                        .computeIfAbsent(r.container(), k -> new ArrayList<>()).add(l.workload());
            }
        }

        List<ContainerProposal> proposals = new ArrayList<>();
        for (var block : byBlock.entrySet()) {
            SourceRef ref = refs.get(block.getKey());
            for (var c : block.getValue().entrySet()) {
                List<Observation> obs = new ArrayList<>(c.getValue());
                obs.sort(Comparator.comparing(Observation::id));
                ResourceValues current = sourceValues.get(valuesKey(ref, c.getKey()));
                if (current == null) {
                    notes.add(ref.file() + ": container " + c.getKey() + " of " + obs.getFirst().kind() + " "
                            + obs.getFirst().name() + " has no resources block in the source; left alone");
                    continue;
                }
                String waiting = waiting(spec, obs, now);
                if (waiting != null) {
                    notes.add(ref.file() + ": container " + c.getKey() + " waits for confidence: " + waiting);
                    continue;
                }
                try {
                    proposals.add(propose(spec, ref, c.getKey(), current, obs));
                } catch (RuntimeException e) {
                    // one bad container (an unparseable quantity, a policy bound) is a skipped row, never the run
                    notes.add(ref.file() + ": container " + c.getKey() + " skipped: " + e.getMessage());
                }
            }
        }
        List<String[]> skipped = new ArrayList<>(initContainerSkips(located));
        // memory a human must decide (JVM heap flags, a floor above the cap) is a SKIPPED row too, not only a note
        for (ContainerProposal p : proposals) {
            p.notes().stream().filter(n -> n.startsWith("memory left")).findFirst().ifPresent(n ->
                    skipped.add(new String[]{valuesKey(p.source(), p.container()), p.source().file() + ": container "
                            + p.container() + ": " + n}));
        }
        return new RightsizePlan(policyName, proposals, unlocated, notes, skipped);
    }

    /**
     * Init containers and native sidecars are never silently missed (KRR issue #426: init containers were not
     * discovered at all; KRR PR #535 sizes native sidecars and leaves one-shot init containers out).
     * <ul>
     *   <li>A native sidecar ({@code initContainers[]} with {@code restartPolicy: Always}, Kubernetes 1.29+) runs for
     *       the pod's whole life and its requests count in the pod's sum: with a VPA recommendation it is sized like
     *       any container (the editor finds initContainers); without one it is named here as skipped.</li>
     *   <li>A one-shot init container runs to completion before the app starts: its usage is not steady state, so
     *       a recommendation for it would mislead; it is always named here as skipped, with or without one.</li>
     * </ul>
     * One row per workload kind/name and container, listing the clusters.
     */
    static List<String[]> initContainerSkips(List<Located> located) {
        Map<String, String> out = new TreeMap<>();
        Map<String, String> target = new TreeMap<>();
        for (Located l : located) {
            Observation o = l.workload();
            Set<String> recommended = new TreeSet<>();
            o.recommendations().forEach(r -> recommended.add(r.container()));
            o.initContainers().forEach((c, sidecar) -> {
                if (sidecar && recommended.contains(c)) return; // sized
                String what = o.namespace() + "/" + o.kind() + "/" + o.name() + ": " + (sidecar
                        ? "native sidecar (init container with restartPolicy: Always) " + c + ": no VPA recommendation"
                        : "init container " + c + ": runs to completion before the app starts, its usage is not"
                        + " steady state (a recommendation for it would mislead)");
                out.merge(what, o.cluster(), (a, b) -> a + ", " + b);
                target.putIfAbsent(what, o.namespace() + "/" + o.kind() + "/" + o.name() + "|" + c);
            });
        }
        List<String[]> rows = new ArrayList<>();
        out.forEach((what, clusters) -> rows.add(new String[]{target.get(what), what + " (on " + clusters
                + "); left alone"}));
        return rows;
    }

    static List<String> initContainerNotes(List<Located> located) {
        return initContainerSkips(located).stream().map(r -> r[1]).toList();
    }

    /** Why the block must wait (VPAs younger than minObservationDays, youngest first), or null. */
    static String waiting(RightsizePolicySpec spec, List<Observation> obs, java.time.Instant now) {
        if (now == null || spec.minObservationDays() <= 0) return null;
        java.time.Duration min = java.time.Duration.ofDays(spec.minObservationDays());
        List<String> young = new ArrayList<>();
        for (Observation o : obs) {
            if (o.vpaCreated() == null) continue;
            java.time.Duration age = java.time.Duration.between(o.vpaCreated(), now);
            if (age.compareTo(min) < 0) {
                long h = Math.max(0, age.toHours());
                young.add(o.cluster() + " VPA " + o.vpaName() + " observed " + (h / 24) + "d " + (h % 24) + "h");
            }
        }
        if (young.isEmpty()) return null;
        return String.join(", ", young) + " (minObservationDays " + spec.minObservationDays() + ")";
    }

    static ContainerProposal propose(RightsizePolicySpec spec, SourceRef ref, String container,
                                     ResourceValues current, List<Observation> obs) {
        List<String> notes = new ArrayList<>();
        List<Evidence> evidence = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        List<Long> mem = new ArrayList<>();
        boolean upper = "upperBound".equals(spec.basis());
        Set<String> hpaOnCpu = new TreeSet<>();
        List<Long> cpuPerObs = new ArrayList<>();
        for (Observation o : obs) {
            ContainerRecommendation r = recommendation(o, container);
            Amount basis = upper ? r.upperBound() : r.target();
            cpuPerObs.add(basis.cpuMillis());
            if (basis.cpuMillis() != null) cpu.add(basis.cpuMillis());
            if (basis.memoryBytes() != null) mem.add(basis.memoryBytes());
            if (o.hpaOnCpu()) hpaOnCpu.add(o.cluster() + "/" + o.hpaName());
            evidence.add(new Evidence(o, r));
        }

        ResourceValues proposed = current;
        boolean hpaAware = !hpaOnCpu.isEmpty() && !spec.touchCpuWithHpa() && HpaCpuSizing.applies(container, obs);
        String how = ("percentile".equals(spec.rollup()) ? "cpu p" + spec.percentile() + ", memory max" : "max")
                + " of " + spec.basis() + " over " + obs.size() + (obs.size() == 1 ? " workload" : " workloads")
                + " +" + spec.marginPercent() + "%" + (hpaAware ? "; CPU sized for the HPA target (see below)" : "");

        // CPU request
        boolean hpaUnknown = obs.stream().anyMatch(o -> o.hpaOnCpu() && o.hpaCpu() == null);
        if (!hpaOnCpu.isEmpty() && !spec.touchCpuWithHpa() && (hpaUnknown || (!hpaAware && !cpuHpaIrrelevant(obs,
                container)))) {
            notes.add("cpu left alone: HPA scales on CPU (" + String.join(", ", hpaOnCpu) + ")");
        } else if (cpu.isEmpty()) {
            notes.add("cpu: no VPA recommendation");
        } else if (current.cpuRequest() == null && !current.placeholder()) {
            notes.add("cpu: requests.cpu not set in the source; left alone");
        } else {
            Long raw;
            if (hpaAware) {
                HpaCpuSizing.Sized sized = HpaCpuSizing.size(container, obs, cpuPerObs, spec.marginPercent());
                notes.addAll(sized.notes());
                raw = sized.wantMillis();
            } else {
                if (!hpaOnCpu.isEmpty() && spec.touchCpuWithHpa()) {
                    notes.add("cpu sized as if there were no HPA (touchCpuWithHpa: true), although an HPA scales on"
                            + " CPU (" + String.join(", ", hpaOnCpu) + "): this can feed the HPA loop");
                } else if (!hpaOnCpu.isEmpty()) {
                    notes.add("cpu sized as usual: the HPA on CPU (" + String.join(", ", hpaOnCpu) + ") targets an"
                            + " average value or another container, so this request is not part of its ratio");
                }
                raw = withMargin(rollup(spec, cpu), spec.marginPercent());
            }
            if (raw != null) {
                long want = clamp(Rounding.cpuMillis(raw), Quantities.cpuMillis(spec.cpu().min()),
                        Quantities.cpuMillis(spec.cpu().max()), "cpu", notes);
                if (current.placeholder()) {
                    proposed = proposed.with(ResourceValues.CPU_REQUEST, Quantities.formatCpu(want, null));
                } else if (significant(Quantities.cpuMillis(current.cpuRequest()), want, spec.minChangePercent(),
                        "cpu", notes)) {
                    proposed = proposed.with(ResourceValues.CPU_REQUEST,
                            Quantities.formatCpu(want, current.cpuRequest()));
                }
            }
        }
        // memory request: always the max over clusters (memory is not compressible: the cluster that needs the most
        // must fit), never below what the container was seen needing (MemorySafety)
        MemorySafety.Verdict safety = MemorySafety.judge(container, obs, spec.jvmMemory(),
                spec.memory().max() == null ? null : Quantities.memoryBytes(spec.memory().max()));
        if (safety.leaveAlone() != null) {
            notes.add(safety.leaveAlone());
        } else if (mem.isEmpty()) {
            notes.add("memory: no VPA recommendation");
        } else if (current.memoryRequest() == null && !current.placeholder()) {
            notes.add("memory: requests.memory not set in the source; left alone");
        } else {
            long want = clamp(Rounding.memoryBytes(withMargin(mem.stream().mapToLong(Long::longValue).max()
                            .orElseThrow(), spec.marginPercent())),
                    Quantities.memoryBytes(spec.memory().min()), Quantities.memoryBytes(spec.memory().max()), "memory",
                    notes);
            if (want < safety.requestFloor()) {
                want = Rounding.memoryBytes(safety.requestFloor());
                notes.add("memory: kept at or above what the container was seen needing, "
                        + Quantities.formatMemory(want) + " (" + String.join("; ", safety.why()) + ")");
            }
            if (current.placeholder()) {
                proposed = proposed.with(ResourceValues.MEMORY_REQUEST, Quantities.formatMemory(want));
            } else if (significant(Quantities.memoryBytes(current.memoryRequest()), want, spec.minChangePercent(),
                    "memory", notes)) {
                proposed = proposed.with(ResourceValues.MEMORY_REQUEST, Quantities.formatMemory(want));
            }
        }
        proposed = limits(spec.limits(), current, proposed, notes);
        if (safety.leaveAlone() == null && safety.limitFloor() > 0 && proposed.memoryLimit() != null
                && Quantities.memoryBytes(proposed.memoryLimit()) < safety.limitFloor()) {
            String raised = Quantities.formatMemory(Rounding.memoryBytes(safety.limitFloor()));
            notes.add("limits.memory raised to " + raised + " after an OOM kill (the VPA recommender's own OOM bump:"
                    + " ×1.2, at least +100Mi; " + String.join("; ", safety.why()) + ")");
            proposed = proposed.with(ResourceValues.MEMORY_LIMIT, raised);
        }
        if (current.placeholder() && proposed.memoryRequest() != null && "memoryEqualsRequest".equals(spec.limits())) {
            proposed = proposed.with(ResourceValues.MEMORY_LIMIT, proposed.memoryRequest());
        }
        if (current.placeholder() && (proposed.cpuRequest() != null || proposed.memoryRequest() != null)) {
            notes.add("the source had only a placeholder (resources: {} or null): a minimal requests block is added");
        }

        List<FieldChange> changes = new ArrayList<>();
        for (String f : ResourceValues.FIELDS) {
            String from = current.get(f);
            String to = proposed.get(f);
            if (to != null && from == null) {
                changes.add(new FieldChange(f, "not set", to, 100.0));
            } else if (to != null && !to.equals(from)) {
                boolean isCpu = ResourceValues.isCpu(f);
                long a = isCpu ? Quantities.cpuMillis(from) : Quantities.memoryBytes(from);
                long b = isCpu ? Quantities.cpuMillis(to) : Quantities.memoryBytes(to);
                changes.add(new FieldChange(f, from, to, a == 0 ? 100.0 : (b - a) * 100.0 / a));
            }
        }
        if (!changes.isEmpty()) notes.addFirst(how);

        double cost = 0;
        for (Observation o : obs) {
            cost += o.replicas() * HOURS_PER_MONTH * (
                    delta(current.cpuRequest(), proposed.cpuRequest(), Quantities::cpuMillis) / 1000.0 * USD_PER_VCPU_HOUR
                    + delta(current.memoryRequest(), proposed.memoryRequest(), Quantities::memoryBytes)
                    / (double) Quantities.GI * USD_PER_GIB_HOUR);
        }
        String group = group(spec, obs.getFirst());
        List<String> workloads = obs.stream().map(Observation::id).toList();
        return new ContainerProposal(ref, container, group, workloads, current, proposed, changes, evidence, notes,
                Math.round(cost * 100) / 100.0);
    }

    /**
     * Every HPA on CPU here leaves this container's request out of its ratio: an AverageValue target (absolute
     * millicores per pod) or a ContainerResource metric on another container. Then CPU is sized as usual.
     */
    static boolean cpuHpaIrrelevant(List<Observation> obs, String container) {
        return obs.stream().filter(Observation::hpaOnCpu).allMatch(o -> o.hpaCpu() != null
                && (o.hpaCpu().averageUtilization() == null
                || (o.hpaCpu().container() != null && !o.hpaCpu().container().equals(container))));
    }

    private static long delta(String from, String to, java.util.function.Function<String, Long> parse) {
        if (from == null || to == null) return 0;
        return parse.apply(to) - parse.apply(from);
    }

    static ResourceValues limits(String policy, ResourceValues current, ResourceValues proposed, List<String> notes) {
        ResourceValues out = proposed;
        switch (policy) {
            case "keepRatio" -> {
                out = keepRatio(out, current, ResourceValues.CPU_REQUEST, ResourceValues.CPU_LIMIT, true);
                out = keepRatio(out, current, ResourceValues.MEMORY_REQUEST, ResourceValues.MEMORY_LIMIT, false);
            }
            case "memoryEqualsRequest" -> {
                if (current.memoryLimit() != null && !eq(current.memoryRequest(), out.memoryRequest())) {
                    out = out.with(ResourceValues.MEMORY_LIMIT, out.memoryRequest());
                }
            }
            case "leave" -> { }
            default -> throw new IllegalArgumentException("unknown limits policy " + policy);
        }
        // never leave a limit below its request
        if (out.cpuLimit() != null && out.cpuRequest() != null
                && Quantities.cpuMillis(out.cpuLimit()) < Quantities.cpuMillis(out.cpuRequest())) {
            notes.add("limits.cpu raised to the new request (was below it)");
            out = out.with(ResourceValues.CPU_LIMIT, out.cpuRequest());
        }
        if (out.memoryLimit() != null && out.memoryRequest() != null
                && Quantities.memoryBytes(out.memoryLimit()) < Quantities.memoryBytes(out.memoryRequest())) {
            notes.add("limits.memory raised to the new request (was below it)");
            out = out.with(ResourceValues.MEMORY_LIMIT, out.memoryRequest());
        }
        return out;
    }

    private static ResourceValues keepRatio(ResourceValues out, ResourceValues current, String reqField,
                                            String limField, boolean isCpu) {
        String oldReq = current.get(reqField);
        String newReq = out.get(reqField);
        String oldLim = current.get(limField);
        if (oldLim == null || oldReq == null || eq(oldReq, newReq)) return out;
        ToLongFunction<String> p = isCpu ? Quantities::cpuMillis : Quantities::memoryBytes;
        long r0 = p.applyAsLong(oldReq);
        if (r0 == 0) return out;
        double ratio = p.applyAsLong(oldLim) / (double) r0;
        long lim = (long) Math.ceil(p.applyAsLong(newReq) * ratio);
        String formatted = isCpu ? Quantities.formatCpu(Rounding.cpuMillis(lim), oldLim)
                : Quantities.formatMemory(Rounding.memoryBytes(lim));
        return out.with(limField, formatted);
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    static long rollup(RightsizePolicySpec spec, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        if ("percentile".equals(spec.rollup())) {
            int rank = (int) Math.ceil(spec.percentile() / 100.0 * sorted.size());
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
        }
        return sorted.getLast();
    }

    static long withMargin(long v, int marginPercent) {
        return (long) Math.ceil(v * (100 + marginPercent) / 100.0);
    }

    private static long clamp(long v, Long min, Long max, String what, List<String> notes) {
        if (min != null && v < min) {
            notes.add(what + ": raised to the policy floor");
            return min;
        }
        if (max != null && v > max) {
            notes.add(what + ": capped at the policy maximum");
            return max;
        }
        return v;
    }

    private static boolean significant(long have, long want, int minChangePercent, String what, List<String> notes) {
        if (have == want) return false;
        double pct = have == 0 ? 100 : Math.abs(want - have) * 100.0 / have;
        if (pct < minChangePercent) {
            notes.add(String.format(Locale.ROOT, "%s: change %+.0f%% is below minChangePercent %d", what,
                    (want - have) * 100.0 / Math.max(1, have), minChangePercent));
            return false;
        }
        return true;
    }

    private static ContainerRecommendation recommendation(Observation o, String container) {
        return o.recommendations().stream().filter(r -> r.container().equals(container)).findFirst()
                .orElse(new ContainerRecommendation(container, null, null, null, null));
    }

    /** The PR group of a workload: its namespace, its team label, or its app name. */
    public static String group(RightsizePolicySpec spec, Observation o) {
        return switch (spec.grouping()) {
            case "team" -> o.labels().getOrDefault(spec.teamLabel() == null ? "team" : spec.teamLabel(),
                    "no-team");
            case "app" -> o.labels().getOrDefault("app.kubernetes.io/name",
                    o.labels().getOrDefault("app", o.name()));
            default -> o.namespace();
        };
    }

    /** Changes per source file, for the editor: file → (source block, container) → proposed values. */
    public static Map<String, List<ContainerProposal>> byFile(List<ContainerProposal> proposals) {
        Map<String, List<ContainerProposal>> out = new LinkedHashMap<>();
        proposals.stream().filter(ContainerProposal::changes)
                .sorted(Comparator.comparing((ContainerProposal p) -> p.source().file())
                        .thenComparing(p -> p.source().key()).thenComparing(ContainerProposal::container))
                .forEach(p -> out.computeIfAbsent(p.source().file(), f -> new ArrayList<>()).add(p));
        return out;
    }
}
