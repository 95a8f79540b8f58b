package io.kubechores.downscale;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.StateStore;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscaleAnnotations;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which kinds a downscale run LISTs on a cluster (issue 15: every cluster was listed for all six kinds even when every
 * policy said {@code kinds: [Deployment]}). The rule:
 * <ol>
 *   <li>the kinds the DownscalePolicies selecting the cluster name; all six when one of them names none (its default)
 *       or when no policy selects the cluster (workload and namespace annotations still act then);</li>
 *   <li>with a pod-running kind (Deployment, StatefulSet, Rollout) also HorizontalPodAutoscaler and ScaledObject: they
 *       own their targets' spec.replicas, and the planner must know them to leave those replicas alone (issue 16's
 *       one-owner rule), whether or not a policy downscales them;</li>
 *   <li>plus the kinds that, as of the last real run, hold an object with an original-replicas annotation (kubechores'
 *       or kube-downscaler's): a workload of a kind no policy selects any more is still restored. The set lives in the
 *       state store ({@code listed-kinds/<cluster>}); without it (first run, lost state) every kind is listed once,
 *       so nothing scaled down is ever forgotten.</li>
 * </ol>
 * Why not one label-selected LIST for rule 3: the Kubernetes API has no selector over annotations, and a label
 * selector still needs one LIST per kind (a collection is one resource type); objects scaled down by kube-downscaler or
 * an older kubechores carry no such label. The remembered set costs no request at all in the steady state.
 * <p>
 * kube-downscaler lists only its {@code --include-resources} (default deployments) and never restores a kind removed
 * from it (caas-team/py-kube-downscaler kube_downscaler/scaler.py {@code scale()}: {@code if plural in
 * include_resources: autoscale_resources(...)}; cmd.py default {@code "deployments"}).
 */
public final class ListedKinds {
    static final String KEY_PREFIX = "listed-kinds/";
    private static final Set<WorkloadKind> REPLICA_OWNERS = EnumSet.of(WorkloadKind.HPA, WorkloadKind.SCALEDOBJECT);

    private ListedKinds() {}

    /** Rules 1 and 2: the kinds the policies selecting this cluster act on. */
    public static Set<WorkloadKind> selected(List<Resource<DownscalePolicySpec>> policies, Resource<ClusterSpec> cluster) {
        List<Resource<DownscalePolicySpec>> selecting = policies.stream()
                .filter(p -> p.spec().clusters().matches(cluster)).toList();
        if (selecting.isEmpty() || selecting.stream().anyMatch(p -> p.spec().kinds().isEmpty())) {
            return EnumSet.allOf(WorkloadKind.class);
        }
        Set<WorkloadKind> kinds = EnumSet.noneOf(WorkloadKind.class);
        for (var p : selecting) {
            for (String k : p.spec().kinds()) {
                // the schema allows the six kind names only; an unknown one (newer repo) selects nothing here
                WorkloadKind.byKindName(k).ifPresent(kinds::add);
            }
        }
        if (kinds.stream().anyMatch(WorkloadKind::runsPods)) kinds.addAll(REPLICA_OWNERS);
        return kinds;
    }

    /** Rules 1-3: what to LIST now. */
    public static Set<WorkloadKind> toList(List<Resource<DownscalePolicySpec>> policies, Resource<ClusterSpec> cluster,
                                           StateStore state) {
        Set<WorkloadKind> kinds = selected(policies, cluster);
        Optional<Set<WorkloadKind>> remembered = remembered(state, cluster.name());
        if (remembered.isEmpty()) return EnumSet.allOf(WorkloadKind.class);
        kinds.addAll(remembered.get());
        return kinds;
    }

    /**
     * After a real run: the kinds that now hold an original-replicas annotation, i.e. those observed with one, less the
     * objects whose restore (or forget) this run applied, plus the kinds of this run's scale-downs, applied or not
     * (the safe side: a PATCH that timed out may still have been written). Only listed kinds can be in it: a kind not
     * listed had none recorded. (Restores done later in the run by the pacer are forgotten by the next run's read.)
     */
    public static void remember(StateStore state, String cluster, Collection<Workload> observed,
                                Collection<Decision> scaledDown, Collection<Decision> originalsRemoved) {
        Set<String> gone = new java.util.HashSet<>();
        for (Decision d : originalsRemoved) gone.add(d.workload().ref());
        Set<WorkloadKind> kinds = EnumSet.noneOf(WorkloadKind.class);
        for (Workload w : observed) {
            if (gone.contains(w.ref())) continue;
            if (DownscaleAnnotations.ORIGINAL_KEYS.stream().anyMatch(w.annotations()::containsKey)) kinds.add(w.kind());
        }
        for (Decision d : scaledDown) kinds.add(d.workload().kind());
        String value = kinds.stream().map(WorkloadKind::kindName).sorted().collect(Collectors.joining(","));
        if (!remembered(state, cluster).equals(Optional.of(kinds))) state.put(DownscaleChore.NAME, KEY_PREFIX + cluster, value);
    }

    static Optional<Set<WorkloadKind>> remembered(StateStore state, String cluster) {
        return state.get(DownscaleChore.NAME, KEY_PREFIX + cluster).map(v -> {
            Set<WorkloadKind> kinds = EnumSet.noneOf(WorkloadKind.class);
            Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .forEach(s -> WorkloadKind.byKindName(s).ifPresent(kinds::add));
            return kinds;
        });
    }
}
