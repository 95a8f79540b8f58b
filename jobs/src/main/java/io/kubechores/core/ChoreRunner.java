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
 * and the others finished, then the roll-up and report ({@link #finish}); apply steps only on a real run. Used by
 * tests, benchmarks, and inside the Spring Batch steps.
 */
public final class ChoreRunner {
    private static final Logger log = LoggerFactory.getLogger(ChoreRunner.class);

    private ChoreRunner() {}

    /** The outcome of a whole run. */
    public record Outcome<R>(List<PartitionResult<R>> partitions, ChoreReport report) {
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

    public static <P extends PartitionPlan<R>, R, U extends RollUp> Outcome<R> run(Chore<P, R, U> chore,
                                                                                ChoreContext ctx, int concurrency)
            throws Exception {
        List<String> keys = chore.partitions(ctx);
        List<PartitionResult<R>> results = runPartitions(chore, ctx, keys, concurrency);
        return new Outcome<>(results, finish(chore, ctx, results));
    }

    /**
     * The cross-partition steps: roll-up (reads only), its apply on a real run only, then the report; the report's
     * actions are the roll-up's and its warnings include the roll-up's.
     */
    public static <P extends PartitionPlan<R>, R, U extends RollUp> ChoreReport finish(Chore<P, R, U> chore,
                                                                                    ChoreContext ctx,
                                                                                    List<PartitionResult<R>> results)
            throws Exception {
        U planned = chore.rollUp(ctx, results);
        U done = ctx.dryRun() ? planned : chore.applyRollUp(ctx, planned);
        ChoreReport r = chore.report(ctx, results, done);
        List<Action> actions = new ArrayList<>(done.actions());
        actions.addAll(r.actions());
        List<String> warnings = new ArrayList<>(done.warnings());
        r.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
        boolean failed = r.failed() || actions.stream().anyMatch(a -> a.status() == Action.Status.FAILED);
        return new ChoreReport(r.summary(), actions, warnings, r.artifacts(), failed);
    }

    public static <P extends PartitionPlan<R>, R, U extends RollUp> List<PartitionResult<R>> runPartitions(
            Chore<P, R, U> chore, ChoreContext ctx, List<String> keys, int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(Math.max(1, concurrency));
        List<Future<PartitionResult<R>>> futures = new ArrayList<>();
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
        List<PartitionResult<R>> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (java.util.concurrent.ExecutionException e) {
                out.add(PartitionResult.failed(keys.get(i), describe(e.getCause())));
            }
        }
        return out;
    }

    /**
     * Runs one partition: plan, then apply only on a real run (a dry run reports the plan), turning any exception
     * into a failed result (logged without secrets). A plan holding resources (AutoCloseable) is closed after.
     */
    public static <P extends PartitionPlan<R>, R, U extends RollUp> PartitionResult<R> runOne(Chore<P, R, U> chore,
                                                                                           ChoreContext ctx,
                                                                                           String key) {
        // job and partition as structured fields of every log line of this partition (--log-format json); cluster
        // too when the partition is one (quotas' partitions are account/region pairs, promote's are tools)
        boolean cluster = ctx.state() != null && ctx.state().clusters().stream().anyMatch(c -> c.name().equals(key));
        try (var job = org.slf4j.MDC.putCloseable("job", chore.name());
             var partition = org.slf4j.MDC.putCloseable("partition", key);
             var c = cluster ? org.slf4j.MDC.putCloseable("cluster", key) : null) {
            P plan = null;
            try {
                plan = chore.plan(ctx, key);
                if (plan == null) return PartitionResult.failed(key, "no plan");
                PartitionResult<R> r = ctx.dryRun() ? plan.planned() : chore.apply(ctx, plan);
                return r == null ? PartitionResult.failed(key, "no result") : r;
            } catch (Exception | Error e) {
                String msg = describe(e);
                log.warn("job={} partition={} failed: {}", chore.name(), key, msg);
                return PartitionResult.failed(key, msg);
            } finally {
                if (plan instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        log.debug("job={} partition={} plan close: {}", chore.name(), key, describe(e));
                    }
                }
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
