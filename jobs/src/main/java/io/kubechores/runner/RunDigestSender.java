package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.ChoreRunner;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.platform.Platform;
import io.kubechores.platform.StateStore;
import io.kubechores.platform.notify.SlackMessage;
import io.kubechores.report.RunDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * After a real run (never a plan): one Slack message with the run's failures and needs-a-human rows, grouped per
 * cluster, linking the run ({@link RunDigest}). Once per situation: the rows' fingerprint is kept in the state store
 * (job "runner", key digest/&lt;job&gt;), so a rerun that fails the same way sends nothing, a changed set of rows
 * sends again, and a clean run forgets it. Without a Slack webhook nothing is sent. A failed send is a warning,
 * never a failed run.
 */
final class RunDigestSender {
    private static final Logger log = LoggerFactory.getLogger(RunDigestSender.class);
    static final String STATE_JOB = "runner";

    private RunDigestSender() {}

    /** Returns a warning when the digest could not be sent, else empty. */
    static Optional<String> send(String job, long executionId, String runKey, DesiredState state, Platform real,
                                 List<String> partitions, Map<String, String> errors, List<Action> actions) {
        List<RunDigest.Row> rows = RunDigest.rows(partitions, errors, actions);
        StateStore store = real.state();
        String key = "digest/" + job;
        String fingerprint = fingerprint(rows);
        String last = store == null ? null : store.get(STATE_JOB, key).orElse(null);
        if (rows.isEmpty()) {
            if (store != null && last != null) store.remove(STATE_JOB, key);
            return Optional.empty();
        }
        if (fingerprint.equals(last)) return Optional.empty(); // the same situation was already told
        FleetSpec.Notifications n = state.fleetSpec().notifications();
        boolean configured = n.slackConfigured(real.secrets()) && real.notifier() != null;
        if (!configured) return Optional.empty();
        String base = real.secrets().get(io.kubechores.report.RunLinks.RUNNER_URL_ENV).orElse(null);
        String url = base == null || base.isBlank() ? null
                : base.strip().replaceAll("/+$", "") + "/runs/" + executionId;
        SlackMessage message = RunDigest.slack(job, runKey == null || runKey.isBlank() ? String.valueOf(executionId)
                : runKey, url, false, rows);
        try {
            real.notifier().slack(message);
            if (store != null) store.put(STATE_JOB, key, fingerprint);
            log.info("job={} run digest sent to Slack: {} row(s)", job, rows.size());
            return Optional.empty();
        } catch (RuntimeException e) {
            String why = "run digest not sent to Slack: " + ChoreRunner.describe(e);
            log.warn("job={} {}", job, why);
            return Optional.of(why);
        }
    }

    /** Stable over reruns: what failed or needs a human and why, not when. */
    static String fingerprint(List<RunDigest.Row> rows) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        rows.stream().map(r -> r.kind() + "|" + r.target() + "|" + r.what() + "|" + r.why()).sorted()
                .forEach(s -> crc.update((s + "\n").getBytes(StandardCharsets.UTF_8)));
        return rows.size() + ":" + Long.toHexString(crc.getValue());
    }
}
