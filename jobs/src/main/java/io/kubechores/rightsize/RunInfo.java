package io.kubechores.rightsize;


import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What a PR body says about the run that proposed it: where its full report is, when the job runs, and the run's
 * clock (for the VPAs' observation age).
 * <p>
 * The runner names each run's report folder {@code <stamp>-run-<run id>} under {@code reports/rightsize/}
 * (BatchChoreLauncher); that folder name is the run id shown. A runner that publishes reports sets
 * {@code KUBECHORES_REPORT_URL} to a URL template with {@code {job}} and {@code {run}} (e.g.
 * {@code https://kubechores.acme.example/reports/{job}/{run}/rightsize-report.json}); without it the PR names the
 * report's path. {@code KUBECHORES_SCHEDULE} (e.g. {@code "0 6 * * 1" Europe/Berlin (rightsize-weekly)}) says when the
 * job runs; the chore SPI does not hand the schedule to a run yet, so without it the PR says where schedules live.
 *
 * @param runId      the run's report folder name, or null when the run writes no report
 * @param reportPath the report's path on the runner, or null
 * @param reportUrl  the report's URL, or null
 * @param schedule   when the job runs, or null when the run does not know
 * @param now        the run's clock, or null
 */
public record RunInfo(String runId, String reportPath, String reportUrl, String schedule, Instant now) {
    public static final RunInfo NONE = new RunInfo(null, null, null, null, null);

    public static RunInfo of(String job, Path outputDir, Instant now, Map<String, String> env) {
        String run = outputDir == null || outputDir.getFileName() == null ? null : outputDir.getFileName().toString();
        String path = outputDir == null ? null : outputDir.resolve("rightsize-report.json").toString();
        String template = env.get("KUBECHORES_REPORT_URL");
        String url = template == null || template.isBlank() || run == null ? null
                : template.replace("{job}", job).replace("{run}", run);
        String schedule = env.get("KUBECHORES_SCHEDULE");
        return new RunInfo(run, path, url, schedule == null || schedule.isBlank() ? null : schedule, now);
    }

    /** Markdown: a link when the report has a URL, else its path (or that the run wrote none). */
    public String reportMarkdown() {
        if (reportUrl != null) return "[" + (runId == null ? "run report" : "run " + runId) + "](" + reportUrl + ")";
        if (reportPath != null) return "run " + runId + ": `" + reportPath + "` on the runner (this run has no report URL)";
        return "this run wrote no report (no output folder)";
    }
}
