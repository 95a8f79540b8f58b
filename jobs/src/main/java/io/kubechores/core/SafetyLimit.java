package io.kubechores.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Maximum number of mutating actions per run, shared by every partition of one run (thread-safe).
 * Read from fleet.yaml spec.jobs.&lt;job&gt;.maxChangesPerRun; 0 there means the job's own default.
 */
public final class SafetyLimit {
    private final int max;
    private final AtomicInteger used = new AtomicInteger();

    public SafetyLimit(int max) {
        this.max = max;
    }

    public static SafetyLimit unlimited() {
        return new SafetyLimit(Integer.MAX_VALUE);
    }

    /** Takes one change from the budget; false when the limit is reached (the action must become LIMITED). */
    public boolean tryAcquire() {
        while (true) {
            int u = used.get();
            if (u >= max) return false;
            if (used.compareAndSet(u, u + 1)) return true;
        }
    }

    public int max() {
        return max;
    }

    public int used() {
        return used.get();
    }
}
