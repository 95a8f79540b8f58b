package io.kubechores.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether a run may still mutate anything: checked by the audit trail right before each external mutation is sent
 * (the write-ahead intent, see {@link AuditLog#intent}). A run is stopped when it passed its deadline, when the
 * runner shuts down, or when it lost its lease (another runner took the job over); a single partition is stopped when
 * it passed the per-partition deadline. Thread-safe.
 */
public final class RunGuard {
    /** Checked before every mutation, e.g. "this run still holds the job's lease"; throws when it does not. */
    @FunctionalInterface
    public interface Fence {
        void check() throws RunStoppedException;
    }

    /** The run (or this partition of it) may not mutate any more; the message says why. */
    public static final class RunStoppedException extends IllegalStateException {
        public RunStoppedException(String message) {
            super(message);
        }
    }

    private volatile String stopped;
    private final Map<String, String> stoppedPartitions = new ConcurrentHashMap<>();
    private final List<Fence> fences = new CopyOnWriteArrayList<>();

    public static RunGuard open() {
        return new RunGuard();
    }

    public RunGuard fence(Fence f) {
        fences.add(f);
        return this;
    }

    /** Stops the whole run: no mutation is sent after this returns. */
    public void stop(String reason) {
        if (stopped == null) stopped = reason;
    }

    public void stopPartition(String partition, String reason) {
        stoppedPartitions.putIfAbsent(partition, reason);
    }

    public String stoppedReason() {
        return stopped;
    }

    public boolean isStopped() {
        return stopped != null;
    }

    /**
     * Throws when a mutation of {@code target} (an {@link Action#target()}, which starts with its partition's key)
     * must not be sent.
     */
    public void check(String target) {
        String s = stopped;
        if (s != null) throw new RunStoppedException("run stopped: " + s);
        if (!stoppedPartitions.isEmpty() && target != null) {
            for (Map.Entry<String, String> e : stoppedPartitions.entrySet()) {
                if (target.equals(e.getKey()) || target.startsWith(e.getKey() + "/")) {
                    throw new RunStoppedException("partition " + e.getKey() + " stopped: " + e.getValue());
                }
            }
        }
        for (Fence f : fences) {
            try {
                f.check();
            } catch (RunStoppedException e) {
                stop(e.getMessage());
                throw e;
            }
        }
    }
}
