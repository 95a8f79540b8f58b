package io.kubechores.cli;

import io.kubechores.core.Action;
import io.kubechores.report.Reports;
import io.kubechores.runner.ChoreLauncher.RunResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Console output of a run: header, plan table, warnings, failures, summary, where to look. */
public final class RunResultPrinter {
    private static final Logger LOG = LoggerFactory.getLogger("kubechores.run");

    private RunResultPrinter() {}

    static void print(RunResult r, PrintStream out, PrintStream err) {
        if (r.exitCode() == 2) {
            err.println(r.summary());
            return;
        }
        String mode = r.paused() ? "PAUSED in fleet.yaml: plan only" : r.dryRun() ? "dry run: nothing changed" : "run";
        out.println(Reports.actionsTable(r.job() + " (" + mode + ")", r.actions()));
        for (String w : r.warnings()) out.println("warning: " + w);
        // failures are log lines (stderr): with --log-format json each is a JSON object with job and partition fields
        for (String f : r.failedPartitions()) {
            int colon = f.indexOf(": ");
            try (var job = MDC.putCloseable("job", r.job());
                 var partition = MDC.putCloseable("partition", colon > 0 ? f.substring(0, colon) : f)) {
                LOG.error("FAILED {}", f);
            }
        }
        out.println(counts(r));
        out.println(r.summary());
        for (Path p : r.artifacts()) out.println("  see " + p);
        out.printf("exit %d, %d ms%n", r.exitCode(), Duration.between(r.started(), r.ended()).toMillis());
    }

    public static String counts(RunResult r) {
        Map<Action.Status, Integer> n = new TreeMap<>();
        for (Action a : r.actions()) n.merge(a.status(), 1, Integer::sum);
        StringBuilder sb = new StringBuilder(r.actions().size() + " action(s)");
        n.forEach((k, v) -> sb.append(", ").append(v).append(' ').append(k.name().toLowerCase()));
        if (!r.failedPartitions().isEmpty()) sb.append(", ").append(r.failedPartitions().size()).append(" failed partition(s)");
        return sb.toString();
    }
}
