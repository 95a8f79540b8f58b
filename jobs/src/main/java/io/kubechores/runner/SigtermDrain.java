package io.kubechores.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM in `kubechores serve`: stop and record the runs in flight <em>before</em> the JVM's shutdown hooks start.
 * The hooks run concurrently (Runtime.addShutdownHook: "in some unspecified order"), and H2's own hook closes the
 * default job repository at once, so a run the runner stopped in Spring's hook could no longer be recorded and stayed
 * STARTED (ServeSigtermIT found it). H2 refuses DB_CLOSE_ON_EXIT=FALSE together with AUTO_SERVER=TRUE, which the
 * default URL needs for CronJob pods sharing the runner's file (h2database issue #3773), so the order is made here:
 * the signal stops every run (no further mutation, partitions FAILED "stopped: ..."), waits until each has ended
 * through its finish step and is in the history (at most {@code bound}), then exits with 143 (128 + SIGTERM) and the
 * hooks close Spring, Quartz and the database. A second SIGTERM changes nothing; where the JVM offers no signal
 * handling, Spring's hook ({@link RunnerShutdown}) still stops the runs.
 */
public final class SigtermDrain {
    private static final Logger log = LoggerFactory.getLogger(SigtermDrain.class);
    private static final AtomicBoolean DRAINING = new AtomicBoolean();

    private SigtermDrain() {}

    public static void install(BatchChoreLauncher launcher, Duration bound) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> {
                if (!DRAINING.compareAndSet(false, true)) return;
                Thread.ofPlatform().name("kubechores-sigterm").start(() -> drainThenExit(launcher, bound));
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.warn("SIGTERM not handled by the runner ({}): Spring's shutdown hook stops the runs in flight", e.toString());
        }
    }

    static void drainThenExit(BatchChoreLauncher launcher, Duration bound) {
        try {
            int n = launcher.inFlight();
            if (n > 0) log.warn("runner shutting down: stopping {} run(s) in flight", n);
            launcher.stopAll("runner " + RunnerIdentity.id() + " shutting down (SIGTERM)");
            long until = System.nanoTime() + bound.toNanos();
            while (launcher.inFlight() > 0 && System.nanoTime() < until) Thread.sleep(50);
            if (launcher.inFlight() > 0) {
                log.warn("runner shutting down: {} run(s) still in flight after {} s; exiting anyway", launcher.inFlight(),
                        bound.toSeconds());
            } else if (n > 0) {
                log.info("runner shutting down: every run in flight stopped and recorded");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            System.exit(128 + 15);
        }
    }
}
