package io.kubechores.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page's pictures, from a {@link RunBoard.Board}: the grid (one row per partition — cluster, account/region
 * or tool —, one column per job, each cell the latest outcome and its age) and one sparkline per job (its last runs
 * as bars: height by duration, colour by outcome, each a link to the run). Pure: the page's template draws these as
 * HTML and inline SVG without any script. Rows with a failure come first.
 */
public final class StatusGrid {
    private StatusGrid() {}

    /** One cell: {@code outcome} OK / FAILED / RUNNING / NONE / other Batch status; {@code at} ISO-8601 UTC or "". */
    public record CellView(String job, String partition, String outcome, String age, String at, String url,
                           boolean dryRun, String title) {}

    public record RowView(String partition, List<CellView> cells) {}

    /** Counts for the heading: how many partitions, cells, failed cells. */
    public record GridView(List<String> jobs, List<RowView> rows, int cells, int failed, int running) {}

    /** One bar of a sparkline, in SVG user units (viewBox 0 0 width height). */
    public record Bar(long executionId, double x, double y, double width, double height, String outcome, String title,
                      String url) {}

    public record Sparkline(int width, int height, List<Bar> bars, int ok, int failed, String caption) {}

    public static GridView grid(RunBoard.Board board, List<String> jobs, Instant now) {
        List<RowView> rows = new ArrayList<>();
        int cells = 0, failed = 0, running = 0;
        for (String partition : board.partitions()) {
            List<CellView> row = new ArrayList<>();
            for (String job : jobs) {
                RunBoard.Cell c = board.cells().getOrDefault(job, Map.of()).get(partition);
                if (c == null) {
                    row.add(new CellView(job, partition, "NONE", "", "", "", false, job + " on " + partition
                            + ": no run in the recent history"));
                    continue;
                }
                cells++;
                if ("FAILED".equals(c.outcome())) failed++;
                if ("RUNNING".equals(c.outcome())) running++;
                String age = c.at() == null ? "" : age(Duration.between(c.at(), now));
                row.add(new CellView(job, partition, c.outcome(), age, c.at() == null ? "" : c.at().toString(),
                        "/runs/" + c.executionId(), c.dryRun(),
                        job + " on " + partition + ": " + c.outcome() + (c.dryRun() ? " (plan)" : "") + " in run "
                                + c.executionId() + (c.error().isEmpty() ? "" : ": " + c.error())));
            }
            rows.add(new RowView(partition, row));
        }
        // at 150 clusters the failures must not hide below the fold: rows with a failed cell first, then by name
        rows.sort(java.util.Comparator.comparing((RowView r) -> r.cells().stream().noneMatch(c -> "FAILED".equals(c.outcome()))));
        return new GridView(jobs, rows, cells, failed, running);
    }

    /** "40s", "12m", "5h", "3d": how long ago, coarse enough to read at a glance. */
    public static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m";
        if (s < 48 * 3600) return (s / 3600) + "h";
        return (s / 86_400) + "d";
    }

    static final int BAR = 6, GAP = 2, HEIGHT = 24;

    /**
     * The runs as bars, oldest left: height by duration relative to the longest (at least a quarter, so a fast run
     * still shows its colour), a running run full height.
     */
    public static Sparkline sparkline(List<RunBoard.RunRow> newestFirst) {
        List<RunBoard.RunRow> runs = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(runs);
        double longest = runs.stream().map(RunBoard.RunRow::duration).filter(java.util.Objects::nonNull)
                .mapToDouble(Duration::toMillis).max().orElse(1);
        List<Bar> bars = new ArrayList<>();
        int ok = 0, failed = 0;
        for (int i = 0; i < runs.size(); i++) {
            RunBoard.RunRow r = runs.get(i);
            Duration d = r.duration();
            double h = d == null ? HEIGHT : Math.max(HEIGHT / 4.0, HEIGHT * d.toMillis() / Math.max(1, longest));
            String outcome = outcome(r);
            if ("OK".equals(outcome)) ok++;
            if ("FAILED".equals(outcome)) failed++;
            bars.add(new Bar(r.executionId(), i * (BAR + GAP), round(HEIGHT - h), BAR, round(h), outcome,
                    "run " + r.executionId() + ": " + r.shownStatus() + (r.dryRun() ? " (plan)" : "")
                            + (r.failedPartitions() > 0 ? ", " + r.failedPartitions() + " of " + r.partitions() + " failed" : "")
                            + (d == null ? ", running" : ", " + StatusController.shown(d)),
                    "/runs/" + r.executionId()));
        }
        int width = Math.max(1, runs.size() * (BAR + GAP) - GAP);
        String caption = runs.isEmpty() ? "no runs yet"
                : "last " + runs.size() + " run(s): " + ok + " ok, " + failed + " failed";
        return new Sparkline(width, HEIGHT, bars, ok, failed, caption);
    }

    static String outcome(RunBoard.RunRow r) {
        if (r.running()) return "RUNNING";
        String s = r.shownStatus();
        if ("COMPLETED".equals(s)) return "OK";
        if ("FAILED".equals(s) || BatchChoreLauncher.PARTIAL_FAILURE.equals(s)) return "FAILED";
        return s;
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.1f", v));
    }
}
