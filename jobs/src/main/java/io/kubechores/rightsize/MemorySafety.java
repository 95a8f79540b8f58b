package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Observation.ContainerRuntime;
import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.JvmHeapFlags;


import java.util.ArrayList;
import java.util.List;

/**
 * Memory rules that come before any recommendation: what a container has been seen to need is a floor, and JVMs are
 * a human's call.
 * <ol>
 *   <li><b>JVM heap flags</b> ({@link JvmHeapFlags}) on any cluster: memory is left alone with the flags named,
 *       unless the policy says {@code jvmMemory: size}; then the largest {@code -Xmx} is one more floor (the heap
 *       alone must fit).</li>
 *   <li><b>Request floor</b>: never below the container's peak working set: the larger of the VPA checkpoint's
 *       recent memory peak ({@link VpaMemoryHistogram}) and the working set over its pods now (metrics.k8s.io
 *       PodMetrics), nor below the memory limit it was last OOM-killed at
 *       (pod status {@code containerStatuses[].lastState.terminated.reason: OOMKilled}; the pod's limit is the limit
 *       it was killed at): the container has been seen using that much.</li>
 *   <li><b>Limit floor</b> after an OOM kill at limit L: a limit the source sets is never below
 *       {@code max(L × 1.2, L + 100Mi)}, the bump the VPA recommender itself applies after an OOM
 *       (kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model/container.go: OOMBumpUpRatio 1.2,
 *       OOMMinBumpUp 100MB).</li>
 *   <li>A floor above the policy's {@code memory.max}: memory is left alone (the cap and the observed need disagree;
 *       a human decides).</li>
 * </ol>
 */
public final class MemorySafety {
    static final double OOM_BUMP_RATIO = 1.2;
    static final long OOM_MIN_BUMP_BYTES = 100L * 1024 * 1024;

    private MemorySafety() {}

    /**
     * @param leaveAlone  why memory must not be changed (JVM flags, floor above the cap), or null
     * @param requestFloor lowest acceptable memory request in bytes (0 = none)
     * @param limitFloor  lowest acceptable memory limit in bytes (0 = none)
     * @param why         evidence for the floors, per cluster, for the PR
     */
    public record Verdict(String leaveAlone, long requestFloor, long limitFloor, List<String> why) {
        public Verdict {
            why = List.copyOf(why);
        }
    }

    /**
     * @param container  the container being sized
     * @param obs        every cluster's observation of the workload(s) behind one source block
     * @param jvmMemory  the policy's jvmMemory: {@code leave} (default) or {@code size}
     * @param maxBytes   the policy's memory.max in bytes, or null
     */
    public static Verdict judge(String container, List<Observation> obs, String jvmMemory, Long maxBytes) {
        List<String> jvm = new ArrayList<>();
        List<String> why = new ArrayList<>();
        long request = 0;
        long limit = 0;
        for (Observation o : obs) {
            ContainerRuntime r = o.runtime(container);
            if (r.heapFlags() != null) {
                jvm.add(o.cluster() + ": " + r.heapFlags());
                Long xmx = JvmHeapFlags.maxHeapBytes(r.heapFlags());
                if (xmx != null && xmx > request) request = xmx;
                if (xmx != null) why.add(o.cluster() + ": heap -Xmx " + Quantities.formatMemory(xmx));
            }
            if (r.peakWorkingSetBytes() != null) {
                request = Math.max(request, r.peakWorkingSetBytes());
                why.add(o.cluster() + ": peak working set " + Quantities.describeMemory(r.peakWorkingSetBytes())
                        + (r.peakFrom() == null ? "" : " (" + r.peakFrom() + ")"));
            }
            if (r.oomKilledLimitBytes() != null) {
                long l = r.oomKilledLimitBytes();
                request = Math.max(request, l);
                limit = Math.max(limit, Math.max((long) Math.ceil(l * OOM_BUMP_RATIO), l + OOM_MIN_BUMP_BYTES));
                why.add(o.cluster() + ": OOMKilled at limit " + Quantities.formatMemory(l)
                        + (r.oomKilledAt() == null ? "" : " (" + r.oomKilledAt() + ")") + ", " + r.restarts()
                        + (r.restarts() == 1 ? " restart" : " restarts"));
            }
        }
        if (!jvm.isEmpty() && !"size".equals(jvmMemory)) {
            return new Verdict("memory left to a human: JVM heap flags (" + String.join("; ", jvm) + "); the heap"
                    + " settings, not the load, drive this container's memory (set jvmMemory: size in the policy to"
                    + " size it anyway, never below -Xmx)", 0, 0, why);
        }
        if (maxBytes != null && request > maxBytes) {
            return new Verdict("memory left alone: the container was seen needing " + Quantities.formatMemory(request)
                    + ", above the policy's memory.max (" + String.join("; ", why) + ")", request, limit, why);
        }
        return new Verdict(null, request, limit, why);
    }
}
