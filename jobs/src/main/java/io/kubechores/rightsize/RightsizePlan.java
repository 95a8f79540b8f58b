package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import java.util.List;

/**
 * The plan of one RightsizePolicy: a proposal per (manifest source, container), the workloads whose source could
 * not be found, notes, and containers skipped on purpose ({target, reason}: init containers, sidecars without a
 * recommendation), each a SKIPPED row of the report.
 */
public record RightsizePlan(String policy, List<ContainerProposal> proposals, List<Located> unlocated,
                            List<String> notes, List<String[]> skipped) {
    public RightsizePlan {
        proposals = List.copyOf(proposals);
        unlocated = List.copyOf(unlocated);
        notes = List.copyOf(notes);
        skipped = List.copyOf(skipped);
    }

    public RightsizePlan(String policy, List<ContainerProposal> proposals, List<Located> unlocated,
                         List<String> notes) {
        this(policy, proposals, unlocated, notes, List.of());
    }

    /** Proposals with at least one change. */
    public List<ContainerProposal> changing() {
        return proposals.stream().filter(ContainerProposal::changes).toList();
    }

    /**
     * @param source       the block that is edited
     * @param container    container name
     * @param group        PR group (namespace, team or app)
     * @param current      values written in the source today
     * @param proposed     values after this plan (equal to current where nothing changes)
     * @param fieldChanges changed fields with % change
     * @param evidence     one row per observed workload (cluster) that fed the rollup
     * @param notes        why a field was left alone (HPA on CPU, below min change, not set in source, capped...)
     * @param monthlyCostDelta estimated monthly cost change in USD over every replica of every cluster
     */
    public record ContainerProposal(SourceRef source, String container, String group, List<String> workloads,
                                    ResourceValues current, ResourceValues proposed, List<FieldChange> fieldChanges,
                                    List<Evidence> evidence, List<String> notes, double monthlyCostDelta) {
        public ContainerProposal {
            workloads = List.copyOf(workloads);
            fieldChanges = List.copyOf(fieldChanges);
            evidence = List.copyOf(evidence);
            notes = List.copyOf(notes);
        }

        public boolean changes() {
            return !fieldChanges.isEmpty();
        }
    }

    /** @param percent signed change relative to the current value */
    public record FieldChange(String field, String from, String to, double percent) {}

    /**
     * VPA evidence of one cluster's workload for one container: references what was collected (formatted lazily, so a
     * fleet of 100,000 workloads costs no extra strings).
     */
    public record Evidence(Observation observation, Observation.ContainerRecommendation recommendation) {
        public String cluster() {
            return observation.cluster();
        }

        public String workload() {
            return observation.namespace() + "/" + observation.kind() + "/" + observation.name();
        }

        public int replicas() {
            return observation.replicas();
        }

        public String hpa() {
            return observation.hpaName() == null ? "—" : observation.hpaName() + (observation.hpaOnCpu() ? " (cpu)" : "");
        }

        public String cpuTarget() {
            return Quantities.describeCpu(recommendation.target().cpuMillis());
        }

        public String cpuLower() {
            return Quantities.describeCpu(recommendation.lowerBound().cpuMillis());
        }

        public String cpuUpper() {
            return Quantities.describeCpu(recommendation.upperBound().cpuMillis());
        }

        public String memoryTarget() {
            return Quantities.describeMemory(recommendation.target().memoryBytes());
        }

        public String memoryLower() {
            return Quantities.describeMemory(recommendation.lowerBound().memoryBytes());
        }

        public String memoryUpper() {
            return Quantities.describeMemory(recommendation.upperBound().memoryBytes());
        }
    }
}
