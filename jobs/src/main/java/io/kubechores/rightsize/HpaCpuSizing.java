package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Observation.HpaCpu;
import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;


import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU requests of a container whose workload an HPA scales on CPU utilization, sized so that the HPA's target still
 * means what it meant, and never so that the sizing feeds the HPA loop.
 * <p>
 * <b>Why the plain rule is wrong.</b> The HPA keeps the pods' average CPU at {@code averageUtilization} percent of
 * their request: {@code desiredReplicas = ceil(currentReplicas × currentUtilization / targetUtilization)}, where
 * utilization is usage as a percentage of the containers' requests (Kubernetes docs, Horizontal Pod Autoscaling,
 * "Algorithm details"). While it is scaling, the per-pod usage a VPA observes is the HPA's own set point, about
 * target × request: "if your HPA is set to 50% target CPU, then Goldilocks will always show a recommendation of about
 * 50% of the request" (FairwindsOps/goldilocks#449). Setting the request to that recommendation halves the request,
 * the HPA doubles the pods, the per-pod usage halves, the next recommendation halves again: the sizing feeds the
 * HPA loop.
 * <p>
 * <b>The rule.</b> Per cluster whose HPA targets this container's CPU utilization U (a Resource metric covers every
 * container of the pod, a ContainerResource metric only the one it names):
 * <ul>
 *   <li>the HPA is at {@code minReplicas} or {@code maxReplicas} (it cannot move, so the usage is the load's, not the
 *       HPA's): {@code request = recommended usage ÷ U}. At that request the pods run at the target utilization
 *       under the load the VPA saw, so "scale out above U%" keeps its meaning. No margin is added: the (100 − U)%
 *       between usage and request is the headroom the HPA owner chose.</li>
 *   <li>the HPA is between its bounds (it is scaling), or has no status yet: the request stays where the HPA set its
 *       point, this cluster asks for today's live request (the request that cluster's HPA divides by).</li>
 * </ul>
 * Clusters without such an HPA (none, an AverageValue target, which does not involve the request, or a
 * ContainerResource metric on another container) ask for the usual recommendation + margin. The rollup over clusters
 * is then always the max, so no cluster's request falls while its HPA is scaling, whatever percentile the policy
 * uses for CPU. Rounding, floors/caps and minChangePercent apply afterwards as for any container.
 */
public final class HpaCpuSizing {
    private HpaCpuSizing() {}

    /**
     * @param wantMillis the CPU request to propose before rounding, or null when CPU is left alone
     * @param notes      how it was reached (or why not), one line per cluster that mattered
     */
    public record Sized(Long wantMillis, List<String> notes) {}

    /** True when some cluster's HPA scales this container on CPU utilization (the rule applies). */
    public static boolean applies(String container, List<Observation> obs) {
        return obs.stream().anyMatch(o -> utilizationTarget(o, container) != null);
    }

    /** The HPA's CPU utilization target for this container, or null (no HPA, AverageValue, another container). */
    static HpaCpu utilizationTarget(Observation o, String container) {
        HpaCpu h = o.hpaCpu();
        if (h == null || h.averageUtilization() == null || h.averageUtilization() <= 0) return null;
        if (h.container() != null && !h.container().equals(container)) return null;
        return h;
    }

    /**
     * @param recommendedMillis per observation (same order as {@code obs}): the VPA basis for this container, null
     *                          when the VPA gave none
     * @param marginPercent     added for clusters without a utilization HPA
     */
    public static Sized size(String container, List<Observation> obs, List<Long> recommendedMillis,
                             int marginPercent) {
        List<String> notes = new ArrayList<>();
        long want = -1;
        for (int i = 0; i < obs.size(); i++) {
            Observation o = obs.get(i);
            Long rec = recommendedMillis.get(i);
            HpaCpu h = utilizationTarget(o, container);
            String where = o.cluster() + "/" + (h == null ? o.name() : h.hpaName());
            Long live = liveRequest(o, container);
            long w;
            if (h == null) {
                if (rec == null) continue;
                w = RightsizePlanner.withMargin(rec, marginPercent);
            } else {
                String state = state(h);
                boolean pinned = state.startsWith("at ");
                if (pinned && rec != null) {
                    w = (long) Math.ceil(rec * 100.0 / h.averageUtilization());
                    notes.add(String.format(Locale.ROOT, "cpu %s: HPA %s (replicas %d–%d, target %d%%): request ="
                                    + " %s recommended ÷ %d%% = %s", where, state, h.minReplicas(), h.maxReplicas(),
                            h.averageUtilization(), Quantities.describeCpu(rec), h.averageUtilization(),
                            Quantities.describeCpu(w)));
                } else if (live != null) {
                    w = live;
                    notes.add(String.format(Locale.ROOT, "cpu %s: HPA %s (replicas %d–%d, target %d%%): %s, so"
                                    + " the request stays at %s (sizing it from that usage would feed the HPA loop,"
                                    + " Goldilocks #449)", where, state, h.minReplicas(), h.maxReplicas(),
                            h.averageUtilization(), state.equals("without status")
                                    ? "where it stands is unknown" : "its pods' usage is the HPA's set point ("
                                    + h.averageUtilization() + "% of the request)", Quantities.describeCpu(live)));
                } else {
                    // no live request: the HPA cannot compute utilization at all (docs: a pod whose containers lack
                    // the request gives no utilization); leave CPU to a human rather than invent a set point
                    return new Sized(null, List.of("cpu left alone: HPA scales on CPU (" + where + ", " + state
                            + ") but the live container has no CPU request to hold"));
                }
            }
            if (h != null && h.otherMetrics()) {
                notes.add("cpu " + where + ": the HPA also scales on other metrics and follows whichever asks for the"
                        + " most replicas; the CPU target above is one of them");
            }
            want = Math.max(want, w);
        }
        if (want < 0) return new Sized(null, List.of("cpu: no VPA recommendation"));
        return new Sized(want, notes);
    }

    /** "at minReplicas", "at maxReplicas", "scaling at n replicas" or "without status". */
    static String state(HpaCpu h) {
        Integer cur = h.currentReplicas();
        if (cur == null) return "without status";
        if (cur <= h.minReplicas()) return "at minReplicas";
        if (cur >= h.maxReplicas()) return "at maxReplicas";
        return "scaling at " + cur + " replicas";
    }

    private static Long liveRequest(Observation o, String container) {
        ResourceValues v = o.live().get(container);
        return v == null || v.cpuRequest() == null ? null : Quantities.cpuMillis(v.cpuRequest());
    }
}
