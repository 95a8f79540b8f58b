package io.kubechores.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kubechores.core.Action;
import io.kubechores.runner.ChoreLauncher.PartitionOutcome;
import io.kubechores.runner.ChoreLauncher.RunResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * `plan/run --output json`: the run with every action as fields a script can filter on (cluster, namespace, kind,
 * name, from, to, reason, status), the way KRR's JSON gives each scanned object's cluster/namespace/kind/name
 * (robusta-dev/krr, robusta_krr/core/models/objects.py K8sObjectData) instead of a line of text; the prose line
 * stays as {@code summary}. Fields a target does not have (a PR, a Slack channel) are left out.
 */
public final class JsonRunOutput {
    private JsonRunOutput() {}

    /** One action as fields; null fields are not written. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActionFields(String cluster, String namespace, String kind, String name, String account, String region,
                               String verb, String from, String to, String reason, String status, String target,
                               String detail, String summary) {}

    public static String json(RunResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", r.job());
        out.put("executionId", r.executionId());
        out.put("exitCode", r.exitCode());
        out.put("dryRun", r.dryRun());
        out.put("paused", r.paused());
        out.put("summary", r.summary());
        List<ActionFields> actions = new ArrayList<>();
        Set<String> clusters = new TreeSet<>();
        for (PartitionOutcome p : r.partitions()) if (!PartitionOutcome.FLEET.equals(p.partition())) clusters.add(p.partition());
        for (Action a : r.actions()) actions.add(fields(r.job(), a, clusters));
        out.put("actions", actions);
        out.put("failedPartitions", r.failedPartitions());
        out.put("warnings", r.warnings());
        out.put("artifacts", r.artifacts().stream().map(Object::toString).toList());
        out.put("started", r.started());
        out.put("ended", r.ended());
        out.put("partitions", r.partitions());
        return io.kubechores.report.Reports.json(out);
    }

    /**
     * The fields of one action. Targets are "cluster/namespace/Kind/name" (downscale, rightsize), "account/region/
     * service/quota-code" (quotas), "cluster/..." or something fleet-wide (a PR file, a channel, tool/NAME); from/to
     * come from a detail of the form "FROM → TO (note)".
     */
    static ActionFields fields(String job, Action a, Set<String> clusters) {
        String cluster = null, namespace = null, kind = null, name = null, account = null, region = null;
        String[] seg = a.target().split("/", -1);
        if (job.equals("quotas") && seg.length == 4 && seg[0].matches("\\d{12}")) {
            account = seg[0];
            region = seg[1];
            kind = "ServiceQuota";
            name = seg[2] + "/" + seg[3];
        } else if (seg.length == 4 && !seg[2].isEmpty() && Character.isUpperCase(seg[2].charAt(0))) {
            cluster = seg[0];
            namespace = seg[1];
            kind = seg[2];
            name = seg[3];
        } else if (seg.length > 1 && clusters.contains(seg[0])) {
            cluster = seg[0];
            name = a.target().substring(seg[0].length() + 1);
        } else if (seg.length == 2 && seg[0].equals("tool")) {
            kind = "Tool";
            name = seg[1];
        }
        String from = null, to = null;
        String detail = a.detail() == null ? "" : a.detail();
        int arrow = detail.indexOf(" → ");
        if (arrow > 0) {
            from = detail.substring(0, arrow).strip();
            String rest = detail.substring(arrow + 3);
            int note = rest.indexOf(" (");
            to = (note >= 0 ? rest.substring(0, note) : rest).strip();
            if (to.endsWith(" later")) to = to.substring(0, to.length() - " later".length());
        }
        String status = a.status().name().toLowerCase(Locale.ROOT);
        String summary = a.verb() + " " + a.target() + (detail.isEmpty() ? "" : ": " + detail)
                + (a.reason() == null || a.reason().isEmpty() ? "" : " (" + a.reason() + ")") + " [" + status + "]";
        return new ActionFields(cluster, namespace, kind, name, account, region, a.verb(), from, to, a.reason(), status,
                a.target(), detail, summary);
    }
}
