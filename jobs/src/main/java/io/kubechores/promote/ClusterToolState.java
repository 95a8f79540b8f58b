package io.kubechores.promote;

import java.time.Instant;
import java.util.List;

/**
 * What one cluster runs for one tool, reduced to what the gates need (see {@link Verification}).
 *
 * @param cluster        cluster name
 * @param environment    its environment
 * @param runningVersion the version that actually runs (null when not found / not readable)
 * @param versionSource  where it was read: "helm release loki (revision 4)", "image tag", "label app.kubernetes.io/version"
 * @param healthy        rollout complete, ready = desired and no restart storm on every health-check workload
 * @param health         one line per health-check workload ("StatefulSet/loki 3/3 ready, 0 restarts")
 * @param liveSince      when the running version went live here (Helm last_deployed or the workload's rollout)
 * @param error          the cluster could not be read (then nothing else is known)
 */
public record ClusterToolState(String cluster, String environment, String runningVersion, String versionSource,
                                 boolean healthy, List<String> health, Instant liveSince, String error) {
    public ClusterToolState {
        health = health == null ? List.of() : List.copyOf(health);
    }

    public static ClusterToolState unreachable(String cluster, String environment, String error) {
        return new ClusterToolState(cluster, environment, null, null, false, List.of(), null, error);
    }

    public boolean runs(String version) {
        return error == null && SemVer.sameVersion(version, runningVersion);
    }

    /** "runs 6.16.0 (helm release loki), healthy since 2026-11-20T10:00Z" for reports. */
    public String describe() {
        if (error != null) return "not readable: " + error;
        String v = runningVersion == null ? "version not found" : "runs " + runningVersion;
        return v + (versionSource == null ? "" : " (" + versionSource + ")") + ", "
                + (healthy ? "healthy" : "UNHEALTHY: " + String.join("; ", health))
                + (liveSince == null ? "" : ", live since " + liveSince);
    }
}
