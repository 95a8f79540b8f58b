package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.kubechores.core.Action;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.StateStore;
import io.kubechores.platform.kube.DownscaleKube;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster's downscale plan as collected: what {@link DownscaleApply} applies on a real run, and in a dry run the
 * exact plan ({@link #planned()}): GitOps pauses first, every decision (changes PLANNED, the rest SKIPPED with the
 * reason), then GitOps resumes.
 *
 * @param usedThisMinute the upscale budget already spent this minute (state store)
 * @param budgetKey      where the budget is kept
 * @param now            the run's instant
 */
public record DownscalePartitionPlan(Resource<ClusterSpec> cluster, DownscaleKube kube, ClusterObservation observed,
                                     DownscalePlan plan, int usedThisMinute, StateStore store, String budgetKey,
                                     Instant now) implements PartitionPlan<DownscaleResult> {
    @Override
    public PartitionResult<DownscaleResult> planned() {
        String partition = cluster.name();
        List<Action> gitOps = new ArrayList<>();
        for (DownscalePlan.GitOpsDecision g : plan.gitOps()) {
            gitOps.add(DownscaleApply.gitOpsAction(partition, g, Action.Status.PLANNED));
        }
        List<Action> actions = new ArrayList<>();
        for (Decision d : plan.decisions()) {
            actions.add(Decisions.toAction(d, partition, d.verb().mutating() ? Action.Status.PLANNED : Action.Status.SKIPPED));
        }
        return PartitionResult.ok(partition, ordered(actions, gitOps), plan.warnings(),
                DownscaleResult.of(plan, observed));
    }

    /** Report order: GitOps pauses, the workloads' actions, then the other GitOps actions (resumes). */
    static List<Action> ordered(List<Action> actions, List<Action> gitOps) {
        List<Action> all = new ArrayList<>(gitOps.stream().filter(a -> a.verb().equals("pause-gitops")).toList());
        all.addAll(actions);
        all.addAll(gitOps.stream().filter(a -> !a.verb().equals("pause-gitops")).toList());
        return all;
    }
}
