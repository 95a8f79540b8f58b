package io.kubechores.model.downscale;

import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;

import java.time.Instant;
import java.util.List;

/**
 * The plan for one cluster.
 *
 * @param cluster           cluster name
 * @param at                the instant planned for
 * @param decisions         one per workload that changes or deserves a line (skips, deferrals, invalid annotations)
 * @param namespaceWarnings namespaces whose annotations could not be read (Warning Event on the Namespace)
 * @param warnings          things a human should look at (Argo CD/Flux-managed replicas, bad annotations)
 * @param savings           estimated CPU/memory-hours saved by this run's scale-downs
 * @param unchanged         workloads already in the wanted state
 * @param excluded          workloads excluded (namespace, annotation, policy)
 * @param budgetUsed        upscale budget used this minute after this plan (replicas), for the next run in the same minute
 * @param gitOps            Flux/Argo CD objects to pause before the scale-downs or resume after the restores
 */
public record DownscalePlan(String cluster, Instant at, List<Decision> decisions, List<NamespaceWarning> namespaceWarnings,
                            List<String> warnings, Savings savings, int unchanged, int excluded, int budgetUsed,
                            List<GitOpsDecision> gitOps) {
    public DownscalePlan {
        decisions = List.copyOf(decisions);
        namespaceWarnings = List.copyOf(namespaceWarnings);
        warnings = List.copyOf(warnings);
        gitOps = gitOps == null ? List.of() : List.copyOf(gitOps);
    }

    /**
     * Pause (Flux suspend / Argo CD selfHeal off) before any scale-down of its workloads, or resume after they are all
     * back.
     *
     * @param owner     the Flux/Argo CD object
     * @param pause     true: pause; false: resume
     * @param workloads refs of the workloads that need it paused (pause) or were restored (resume)
     * @param reason    why, in words
     */
    public record GitOpsDecision(GitOpsOwner owner, boolean pause, List<String> workloads, String reason) {
        public GitOpsDecision {
            workloads = List.copyOf(workloads);
        }

        public String verb() {
            return pause ? "pause-gitops" : "resume-gitops";
        }

        public String detail() {
            return switch (owner.kind()) {
                case APPLICATION -> pause ? "selfHeal true → false" : "selfHeal false → true";
                default -> pause ? "suspend false → true" : "suspend true → false";
            };
        }
    }

    public List<Decision> changes() {
        return decisions.stream().filter(d -> d.verb().mutating()).toList();
    }

    public long count(Decision.Verb verb) {
        return decisions.stream().filter(d -> d.verb() == verb).count();
    }

    /** A namespace annotation that could not be read. */
    public record NamespaceWarning(String namespace, String message) {}

    /**
     * Requested resources not running until the next uptime, summed over this run's scale-downs.
     *
     * @param cpuCoreHours    CPU cores × hours
     * @param memoryGiBHours  memory GiB × hours
     * @param replicasRemoved replicas scaled away by this run
     */
    public record Savings(double cpuCoreHours, double memoryGiBHours, int replicasRemoved) {
        public static final Savings NONE = new Savings(0, 0, 0);

        public Savings plus(Savings o) {
            return new Savings(cpuCoreHours + o.cpuCoreHours, memoryGiBHours + o.memoryGiBHours,
                    replicasRemoved + o.replicasRemoved);
        }
    }
}
