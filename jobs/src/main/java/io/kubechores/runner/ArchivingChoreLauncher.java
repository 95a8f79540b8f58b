package io.kubechores.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The launcher every caller gets (CLI and CronJob runs, the runner's schedules and Run now, the demo): runs the chore
 * with the Batch launcher, then copies the run's report files to the shared store ({@link RunArchive}, when it is
 * on), keyed by the run's execution id, so the runner's run page serves them after the pod that made them is gone.
 * A failed copy is a warning: the run's outcome stands.
 */
public final class ArchivingChoreLauncher implements ChoreLauncher {
    private static final Logger log = LoggerFactory.getLogger(ArchivingChoreLauncher.class);

    private final ChoreLauncher delegate;
    private final RunArchive archive;

    /** @param archive null when the shared store is off: runs pass through unchanged */
    public ArchivingChoreLauncher(ChoreLauncher delegate, RunArchive archive) {
        this.delegate = delegate;
        this.archive = archive;
    }

    @Override
    public RunResult launch(String job, RunRequest request) {
        RunResult r = delegate.launch(job, request);
        if (archive != null && r != null && r.executionId() > 0 && !r.artifacts().isEmpty()) {
            try {
                archive.saveReports(r.executionId(), job, r.artifacts());
                log.info("job={} execution={} {} report file(s) stored in the shared store", job, r.executionId(),
                        r.artifacts().size());
            } catch (RuntimeException e) {
                log.warn("job={} execution={} reports not stored in the shared store: {}", job, r.executionId(),
                        io.kubechores.desiredstate.Secrets.scrub(e.toString()));
            }
        }
        return r;
    }

    @Override
    public List<String> jobs() {
        return delegate.jobs();
    }
}
