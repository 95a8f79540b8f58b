package io.kubechores.cli;

import io.kubechores.core.Shard;
import io.kubechores.runner.ChoreLauncher;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** Shared options and printing of `plan JOB` and `run JOB`. */
abstract class JobCommandSupport implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "downscale | rightsize | quotas | certs | promote")
    String job;

    @Mixin
    RepoOptions repo = new RepoOptions();

    @Option(names = "--cluster", split = ",", paramLabel = "NAME", description = "Only these clusters (repeatable or comma-separated).")
    List<String> clusters = List.of();

    @Option(names = "--shard", paramLabel = "INDEX/COUNT",
            description = "Only shard INDEX of COUNT of the clusters (after --cluster): the clusters sorted by name, every "
                    + "COUNT-th from INDEX; 0 <= INDEX < COUNT. For Indexed Jobs: COUNT pods, INDEX from "
                    + "JOB_COMPLETION_INDEX. maxChangesPerRun then counts per shard. Only for jobs whose clusters are "
                    + "independent (downscale).")
    String shard;

    @Option(names = "--at", paramLabel = "TIME",
            description = "Pretend it is this time (ISO instant 2026-11-24T21:00:00Z, or local date-time in UTC). For what-if plans.")
    String at;

    /** Output formats: anything else (yaml, ...) is rejected by picocli with one line and exit code 2. */
    enum Output { text, json }

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text", description = "Plan output format: ${COMPLETION-CANDIDATES}.")
    Output output;

    final ChoreLauncher launcher;

    JobCommandSupport(ChoreLauncher launcher) {
        this.launcher = launcher;
    }

    abstract boolean dryRun();

    @Override
    public Integer call() {
        Instant when = null;
        if (at != null) {
            try {
                when = Instant.parse(at);
            } catch (DateTimeParseException e) {
                try {
                    when = LocalDateTime.parse(at).atZone(ZoneId.of("UTC")).toInstant();
                } catch (DateTimeParseException e2) {
                    System.err.println("--at: cannot read '" + at + "' (use 2026-11-24T21:00:00Z)");
                    return 2;
                }
            }
        }
        Shard part = null;
        if (shard != null) {
            try {
                part = Shard.parse(shard);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
        Set<String> only = new LinkedHashSet<>();
        for (String c : clusters) {
            if (c == null || c.isBlank()) {
                System.err.println("--cluster: empty cluster name (give one or more names, e.g. --cluster staging-eu-1,prod-eu-1)");
                return 2;
            }
            only.add(c.strip());
        }
        RunResult r = launcher.launch(job, new RunRequest(repo.repoOrDefault(), repo.ref, only, dryRun(), when, "cli", part));
        if (output == Output.json) {
            System.out.println(JsonRunOutput.json(r));
        } else {
            RunResultPrinter.print(r, System.out, System.err);
        }
        return r.exitCode();
    }
}
