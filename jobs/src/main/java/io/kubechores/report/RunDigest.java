package io.kubechores.report;

import io.kubechores.core.Action;
import io.kubechores.platform.notify.SlackMessage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Slack digest of one run: its failures (failed partitions, FAILED actions) and the rows that need a human,
 * grouped per cluster (partition), with a link to the run, as Block Kit with a plain-text fallback. Pure: the caller
 * sends the message ({@code Notifier.slack(SlackMessage)}).
 * <p>
 * Block Kit limits it keeps (Slack reference "Blocks" and "Section block", docs.slack.dev/reference/block-kit): at most
 * 50 blocks per message, section text at most 3,000 characters, header plain_text at most 150 characters, context
 * at most 10 elements; mrkdwn escapes only {@code & < >} (Slack "Formatting message text"). A digest that would not
 * fit ends with a section saying how many rows were left out, linking the run.
 */
public final class RunDigest {
    static final int MAX_BLOCKS = 50, MAX_SECTION = 3000, MAX_HEADER = 150, MAX_LINE = 600;
    /** Group of rows that belong to no single partition (a roll-up, the whole fleet). */
    public static final String FLEET = "whole fleet";

    private RunDigest() {}

    public enum Kind { FAILED, NEEDS_HUMAN }

    /** One line of the digest. */
    public record Row(String cluster, Kind kind, String target, String what, String why) {}

    /**
     * Which actions need a human, as each job says it: quotas' {@code ask-human} verb (QuotaDecision verdicts),
     * promote's "needs a human: …" reason (NEEDS_HUMAN decisions), any verb {@code needs-human}.
     */
    public static boolean needsHuman(Action a) {
        if (a.status() == Action.Status.FAILED) return false;
        return a.verb().equals("ask-human") || a.verb().equals("needs-human")
                || (a.reason() != null && a.reason().startsWith("needs a human"));
    }

    /**
     * @param partitions        the run's partitions (cluster names, account/region keys, tools)
     * @param partitionErrors   partition → error, for the partitions that failed
     * @param actions           every action of the run
     */
    public static List<Row> rows(List<String> partitions, Map<String, String> partitionErrors, List<Action> actions) {
        List<Row> rows = new ArrayList<>();
        partitionErrors.forEach((p, e) -> rows.add(new Row(p, Kind.FAILED, p, "partition failed", e == null ? "" : e)));
        for (Action a : actions) {
            Kind k = a.status() == Action.Status.FAILED ? Kind.FAILED : needsHuman(a) ? Kind.NEEDS_HUMAN : null;
            if (k == null) continue;
            rows.add(new Row(clusterOf(a.target(), partitions), k, a.target(),
                    a.verb() + (a.detail() == null || a.detail().isBlank() ? "" : " " + a.detail()),
                    a.reason() == null ? "" : a.reason()));
        }
        return rows;
    }

    /** The longest partition that is the target or a path prefix of it ("prod-eu-1/apps/Deployment/web" → prod-eu-1). */
    static String clusterOf(String target, List<String> partitions) {
        String best = null;
        for (String p : partitions) {
            if ((target.equals(p) || target.startsWith(p + "/") || target.startsWith(p + ":"))
                    && (best == null || p.length() > best.length())) best = p;
        }
        return best == null ? FLEET : best;
    }

    /** The message, or null when the run has nothing a person must look at. */
    public static SlackMessage slack(String job, String run, String runUrl, boolean dryRun, List<Row> rows) {
        if (rows.isEmpty()) return null;
        long failed = rows.stream().filter(r -> r.kind() == Kind.FAILED).count();
        long human = rows.size() - failed;
        Map<String, List<Row>> byCluster = new TreeMap<>(Comparator.comparing((String c) -> c.equals(FLEET)).thenComparing(c -> c));
        rows.forEach(r -> byCluster.computeIfAbsent(r.cluster(), c -> new ArrayList<>()).add(r));
        String headline = "kubechores " + job + " " + (dryRun ? "plan " : "run ") + run + ": "
                + (failed > 0 ? failed + " failed" : "") + (failed > 0 && human > 0 ? ", " : "")
                + (human > 0 ? human + " need" + (human == 1 ? "s" : "") + " a human" : "")
                + " on " + byCluster.size() + " cluster(s)";
        List<Map<String, Object>> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", plain(cut(headline, MAX_HEADER))));
        List<Map<String, Object>> ctx = new ArrayList<>();
        ctx.add(mrkdwn(runUrl == null || runUrl.isBlank() ? "run " + esc(run) : "<" + runUrl + "|" + esc("run " + run) + ">"));
        ctx.add(mrkdwn("job *" + esc(job) + "*" + (dryRun ? " · plan only: nothing was changed" : "")));
        blocks.add(Map.of("type", "context", "elements", ctx));
        // sections of at most 3,000 characters, a cluster's rows split over several when they do not fit one
        record Chunk(String text, int rows) {}
        List<Chunk> chunks = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byCluster.entrySet()) {
            StringBuilder text = new StringBuilder("*" + esc(e.getKey()) + "*");
            int n = 0;
            for (Row r : e.getValue()) {
                String line = "\n" + (r.kind() == Kind.FAILED ? ":x: " : ":raising_hand: ") + "`" + esc(cut(r.target(), 200))
                        + "` " + esc(cut(r.what(), 200)) + (r.why().isBlank() ? "" : " — " + esc(cut(r.why(), MAX_LINE)));
                if (text.length() + line.length() > MAX_SECTION) {
                    chunks.add(new Chunk(text.toString(), n));
                    text = new StringBuilder("*" + esc(e.getKey()) + "* (continued)");
                    n = 0;
                }
                text.append(line);
                n++;
            }
            chunks.add(new Chunk(text.toString(), n));
        }
        int shown = 0;
        for (Chunk c : chunks) {
            if (blocks.size() >= MAX_BLOCKS - 1) break; // keep the last block for "n more"
            blocks.add(section(c.text()));
            shown += c.rows();
        }
        if (shown < rows.size()) {
            blocks.add(section((rows.size() - shown) + " more row(s) not shown: " + (runUrl == null || runUrl.isBlank()
                    ? "see run " + esc(run) : "<" + runUrl + "|see the run>")));
        }
        StringBuilder fallback = new StringBuilder(headline);
        if (runUrl != null && !runUrl.isBlank()) fallback.append(": ").append(runUrl);
        byCluster.forEach((c, rs) -> fallback.append("\n").append(c).append(": ")
                .append(rs.stream().filter(r -> r.kind() == Kind.FAILED).count()).append(" failed, ")
                .append(rs.stream().filter(r -> r.kind() == Kind.NEEDS_HUMAN).count()).append(" need a human"));
        return new SlackMessage(esc(cut(fallback.toString(), 3000)), blocks);
    }

    private static Map<String, Object> section(String mrkdwn) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "section");
        b.put("text", mrkdwn(mrkdwn));
        return b;
    }

    private static Map<String, Object> mrkdwn(String s) {
        return Map.of("type", "mrkdwn", "text", s);
    }

    private static Map<String, Object> plain(String s) {
        return Map.of("type", "plain_text", "text", s, "emoji", true);
    }

    /** Slack mrkdwn: &, < and > are control characters and must be escaped (nothing else). */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** For logs: "3 failed, 1 needs a human". */
    public static String counts(List<Row> rows) {
        long f = rows.stream().filter(r -> r.kind() == Kind.FAILED).count();
        return String.format(Locale.ROOT, "%d failed, %d need a human", f, rows.size() - f);
    }
}
