package io.kubechores.core;

import io.kubechores.desiredstate.Secrets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a chore without Spring Batch: partitions on virtual threads with bounded concurrency, each failure recorded
 * and the others finished, then finish(). Used by tests, benchmarks, and inside the Spring Batch steps.
 */
public final class ChoreRunner {
    private static final Logger log = LoggerFactory.getLogger(ChoreRunner.class);

    private ChoreRunner() {}

    /** The outcome of a whole run. */
    public record Outcome(List<PartitionResult> partitions, ChoreReport report) {
        public boolean partialFailure() {
            return report.failed() || partitions.stream().anyMatch(PartitionResult::isFailed);
        }

        /** CLI exit code per DESIGN §4: 0 done, 3 partial failure. */
        public int exitCode() {
            return partialFailure() ? 3 : 0;
        }

        public List<Action> allActions() {
            List<Action> all = new ArrayList<>();
            partitions.forEach(p -> all.addAll(p.actions()));
            all.addAll(report.actions());
            return all;
        }
    }

    public static Outcome run(Chore chore, ChoreContext ctx, int concurrency) throws Exception {
        List<String> keys = chore.partitions(ctx);
        List<PartitionResult> results = runPartitions(chore, ctx, keys, concurrency);
        ChoreReport report = chore.finish(ctx, results);
        return new Outcome(results, report);
    }

    public static List<PartitionResult> runPartitions(Chore chore, ChoreContext ctx, List<String> keys,
                                                      int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(Math.max(1, concurrency));
        List<Future<PartitionResult>> futures = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String key : keys) {
                futures.add(ex.submit(() -> {
                    permits.acquire();
                    try {
                        return runOne(chore, ctx, key);
                    } finally {
                        permits.release();
                    }
                }));
            }
        }
        List<PartitionResult> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (java.util.concurrent.ExecutionException e) {
                out.add(PartitionResult.failed(keys.get(i), describe(e.getCause())));
            }
        }
        return out;
    }

    /** Runs one partition, turning any exception into a failed result (logged without secrets). */
    public static PartitionResult runOne(Chore chore, ChoreContext ctx, String key) {
        // job and partition as structured fields of every log line of this partition (--log-format json); cluster
        // too when the partition is one (quotas' partitions are account/region pairs, promote's are tools)
        boolean cluster = ctx.state() != null && ctx.state().clusters().stream().anyMatch(c -> c.name().equals(key));
        try (var job = org.slf4j.MDC.putCloseable("job", chore.name());
             var partition = org.slf4j.MDC.putCloseable("partition", key);
             var c = cluster ? org.slf4j.MDC.putCloseable("cluster", key) : null) {
            try {
                PartitionResult r = chore.runPartition(ctx, key);
                return r == null ? PartitionResult.failed(key, "no result") : r;
            } catch (Exception | Error e) {
                String msg = describe(e);
                log.warn("job={} partition={} failed: {}", chore.name(), key, msg);
                return PartitionResult.failed(key, msg);
            }
        }
    }

    /** One-line description of a failure: class and message chain, no stack, no request bodies. */
    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        int depth = 0;
        while (t != null && depth++ < 3) {
            if (!sb.isEmpty()) sb.append(" <- ");
            String m = t.getMessage();
            sb.append(t.getClass().getSimpleName());
            if (m != null) sb.append(": ").append(m.length() > 300 ? m.substring(0, 300) + "…" : m);
            t = t.getCause() == t ? null : t.getCause();
        }
        return Secrets.scrub(sb.toString().replace('\n', ' '));
    }
}
