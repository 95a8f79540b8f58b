package io.kubechores.promote;

import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.platform.kube.PromoteKube.HelmRelease;
import io.kubechores.platform.kube.PromoteKube.ToolObservation;
import io.kubechores.platform.kube.PromoteKube.WorkloadState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure rules that turn what a cluster reports about a tool into "which version runs, is it healthy, since when".
 * <ul>
 *   <li>version: a chart tool's version is the deployed Helm release's chart version (else the workloads'
 *   helm.sh/chart label); an image tool's version is the tag of its image in a health-check workload; otherwise the
 *   app.kubernetes.io/version label.</li>
 *   <li>healthy: every health-check workload exists, its rollout is complete (observedGeneration ≥ generation,
 *   updated = ready = desired) and its pods restarted at most maxRestarts times (default 3) with none in
 *   CrashLoopBackOff.</li>
 *   <li>live since: the Helm release's last_deployed when the tool is a Helm release (a pod rescheduled by a node
 *   drain does not restart the soak); otherwise the latest rollout of its workloads (Deployment condition
 *   NewReplicaSetAvailable, else the newest pod start).</li>
 * </ul>
 */
public final class Verification {
    public static final int DEFAULT_MAX_RESTARTS = 3;

    private Verification() {}

    public static ClusterToolState evaluate(String cluster, String environment, ToolSpec tool, ToolObservation obs) {
        String version = null;
        String source = null;
        HelmRelease helm = obs.helm();
        if (tool.chart() != null) {
            if (helm != null && helm.chartVersion() != null) {
                version = helm.chartVersion();
                source = "helm release " + helm.name() + " revision " + helm.revision();
            } else {
                String prefix = tool.chart().name() + "-";
                for (WorkloadState w : obs.workloads()) {
                    String chart = w.labels().get("helm.sh/chart");
                    if (chart != null && chart.startsWith(prefix)) {
                        version = chart.substring(prefix.length());
                        source = "label helm.sh/chart on " + w.kind() + "/" + w.name();
                        break;
                    }
                }
            }
        } else if (tool.image() != null) {
            outer:
            for (WorkloadState w : obs.workloads()) {
                for (String image : w.images()) {
                    if (image.startsWith(tool.image() + ":")) {
                        version = image.substring(tool.image().length() + 1);
                        source = "image tag on " + w.kind() + "/" + w.name();
                        break outer;
                    }
                }
            }
        }
        if (version == null) {
            for (WorkloadState w : obs.workloads()) {
                String v = w.labels().get("app.kubernetes.io/version");
                if (v != null) {
                    version = v;
                    source = "label app.kubernetes.io/version on " + w.kind() + "/" + w.name();
                    break;
                }
            }
        }

        boolean healthy = true;
        List<String> lines = new ArrayList<>();
        Instant since = helm == null ? null : helm.deployedAt();
        for (WorkloadState w : obs.workloads()) {
            ToolSpec.HealthCheck check = tool.healthChecks().stream()
                    .filter(h -> h.kind().equals(w.kind()) && h.name().equals(w.name())).findFirst().orElse(null);
            int maxRestarts = check == null || check.maxRestarts() == null ? DEFAULT_MAX_RESTARTS : check.maxRestarts();
            String id = w.kind() + "/" + w.name();
            if (!w.found()) {
                healthy = false;
                lines.add(id + ": not found");
                continue;
            }
            List<String> problems = new ArrayList<>();
            if (w.observedGeneration() < w.generation()) {
                problems.add("rollout not observed yet (generation " + w.generation() + ", observed " + w.observedGeneration() + ")");
            }
            if (w.updated() < w.desired()) problems.add("rolling: " + w.updated() + "/" + w.desired() + " updated");
            if (w.ready() < w.desired()) problems.add("not ready: " + w.ready() + "/" + w.desired() + " ready");
            if (w.restarts() > maxRestarts) problems.add("restart storm: " + w.restarts() + " restarts > " + maxRestarts);
            if (!w.crashLooping().isEmpty()) problems.add("CrashLoopBackOff: " + String.join(", ", w.crashLooping()));
            if (problems.isEmpty()) {
                lines.add(id + ": " + w.ready() + "/" + w.desired() + " ready, rollout complete, " + w.restarts() + " restarts");
            } else {
                healthy = false;
                lines.add(id + ": " + String.join(", ", problems));
            }
            if (helm == null && w.rolledOutAt() != null && (since == null || w.rolledOutAt().isAfter(since))) {
                since = w.rolledOutAt();
            }
        }
        return new ClusterToolState(cluster, environment, version, source, healthy, lines, since, null);
    }
}
