package io.kubechores.certs;

import io.kubechores.core.Action;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.WriteAhead;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.StateStore;
import io.kubechores.platform.notify.Notifier;
import io.kubechores.report.Reports;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * certs' roll-up: every partition's findings merged, the failed sources, and what leaves the run — the Pushgateway
 * metrics and one Slack message with only the findings new or changed since the last alert (plus reminders), deduped
 * through the state store ({@link AlertDedupe}). {@link #of} plans (reads the state store only); {@link #apply} sends
 * and remembers, on real runs only.
 *
 * @param all       every finding of the run
 * @param failed    "partition: error" of the failed partitions
 * @param errors    failed sources (alerted like findings)
 * @param scanned   partitions that were read
 * @param slackText the message to send, null when nothing is new
 * @param decision  what the dedupe decided
 * @param last      the alert state before this run
 * @param actions   push-metrics and alert actions (PLANNED until applied)
 */
public record CertsAlerts(CertPlan all, List<String> failed, List<SourceError> errors, Set<String> scanned,
                          Set<String> partitions, String slackText, AlertDedupe.Decision decision,
                          Map<String, String> last, List<Action> actions) implements RollUp {

    static CertsAlerts of(ChoreContext ctx, List<PartitionResult<CertPlan>> results) {
        FleetSpec fleet = ctx.state().fleetSpec();
        ZoneId zone = ZoneId.of(fleet.timeZone());
        List<Finding> findings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> scanned = new LinkedHashSet<>();
        int excluded = 0;
        List<String> failed = new ArrayList<>();
        List<SourceError> errors = new ArrayList<>();
        Set<String> partitions = new LinkedHashSet<>();
        for (PartitionResult<CertPlan> r : results) {
            String label = CertsChore.ENDPOINTS.equals(r.partition()) ? ObservedCert.FLEET : r.partition();
            partitions.add(label);
            if (r.isFailed()) {
                failed.add(r.partition() + ": " + r.error());
                errors.add(new SourceError(label, "cluster", "", String.valueOf(r.error())));
                continue;
            }
            CertPlan p = r.data();
            if (p == null) continue;
            findings.addAll(p.findings());
            problems.addAll(p.problems());
            errors.addAll(p.errors());
            excluded += p.excluded();
            scanned.add(label);
        }
        CertPlan all = new CertPlan(findings, excluded, problems);
        List<Action> actions = new ArrayList<>();

        String pushgateway = fleet.notifications().pushgatewayUrl();
        if (pushgateway != null && !pushgateway.isBlank()) {
            actions.add(new Action("pushgateway " + pushgateway + " job=kubechores_certs", "push-metrics",
                    all.findings().size() + " certificates (not-after seconds, severity)",
                    "metrics of every certificate found", Action.Status.PLANNED));
        }

        StateStore store = ctx.platform().state();
        Map<String, String> last = new TreeMap<>();
        if (store != null) {
            store.all(CertsChore.NAME).forEach((k, v) -> {
                if (k.startsWith(CertsChore.STATE_PREFIX)) last.put(k.substring(CertsChore.STATE_PREFIX.length()), v);
            });
        }
        // failed sources alert like findings (deduped, reminded): a blind spot must reach Slack
        List<Finding> alertable = new ArrayList<>(all.findings());
        errors.forEach(e -> alertable.add(e.asFinding()));
        Map<String, Integer> reminderByPolicy = new HashMap<>();
        for (Resource<CertificatePolicySpec> p : ctx.state().certificatePolicies()) {
            if (p.spec().reminderHours() != null) reminderByPolicy.put(p.name(), p.spec().reminderHours());
        }
        AlertDedupe.Decision decision = AlertDedupe.decide(last, alertable, scanned, ctx.clock().instant(),
                f -> CertsChore.reminder(f, reminderByPolicy));
        String slackText = null;
        if (!decision.toAlert().isEmpty()) {
            Map<String, Object> m = new HashMap<>();
            m.put("rows", CertsReport.slackRows(decision, zone));
            m.put("count", decision.toAlert().size());
            m.put("reminders", decision.reminders().size());
            m.put("more", Math.max(0, decision.toAlert().size() - CertsReport.SLACK_ROWS));
            m.put("fleet", ctx.state().fleet().name());
            m.put("channel", fleet.notifications().slackChannel() == null ? "" : fleet.notifications().slackChannel());
            slackText = Reports.render("markdown/certs-slack.ftl", m);
        }
        String channel = fleet.notifications().slackChannel() == null ? "slack" : "slack " + fleet.notifications().slackChannel();
        if (slackText != null) {
            actions.add(new Action(channel, "alert", decision.toAlert().size() + " finding(s) new or changed",
                    summarize(decision), Action.Status.PLANNED));
        } else {
            actions.add(new Action(channel, "alert", "nothing new since the last alert",
                    all.alerting().size() + " finding(s) already alerted", Action.Status.UNCHANGED));
        }
        return new CertsAlerts(all, failed, errors, scanned, partitions, slackText, decision, last, actions);
    }

    /** Pushes the metrics, sends the alert and remembers what was alerted: real runs only. */
    CertsAlerts apply(ChoreContext ctx) {
        FleetSpec fleet = ctx.state().fleetSpec();
        Notifier notifier = ctx.platform().notifier() == null ? Notifier.NONE : ctx.platform().notifier();
        StateStore store = ctx.platform().state();
        List<Action> done = new ArrayList<>();
        for (Action a : actions) {
            if (a.verb().equals("push-metrics")) {
                if (!ctx.limit().tryAcquire()) {
                    done.add(a.withStatus(Action.Status.LIMITED));
                    continue;
                }
                try { // write-ahead: intent in the audit trail (and the run still may mutate) before the push
                    done.add(WriteAhead.once(ctx, a, () -> notifier.pushMetrics("kubechores_certs",
                            CertMetrics.exposition(all.findings(), ctx.clock().instant())
                                    + CertMetrics.readErrors(errors, partitions))));
                } catch (RuntimeException e) {
                    done.add(a.withStatus(Action.Status.FAILED, e.getMessage()));
                }
            } else if (a.verb().equals("alert") && a.status() == Action.Status.PLANNED) {
                boolean configured = fleet.notifications().slackConfigured(ctx.platform().secrets());
                if (!configured) {
                    done.add(a.withStatus(Action.Status.SKIPPED, "no Slack webhook configured ("
                            + fleet.notifications().slackWebhookEnv() + " unset); not marked as alerted"));
                } else if (!ctx.limit().tryAcquire()) {
                    done.add(a.withStatus(Action.Status.LIMITED));
                } else {
                    // write-ahead: the alert is in the audit trail before it is sent (a crash between sending and
                    // remembering it leaves "outcome unknown", and the next run alerts again: never silently lost)
                    // (WriteAhead.once: a run that may no longer mutate sends nothing and reports the alert FAILED)
                    Action sent;
                    try {
                        sent = WriteAhead.once(ctx, a, () -> notifier.slack(slackText));
                    } catch (RuntimeException e) {
                        done.add(a.withStatus(Action.Status.FAILED, e.getMessage()));
                        continue;
                    }
                    if (sent.status() == Action.Status.APPLIED) saveState(store, last, decision.newState());
                    done.add(sent);
                }
            } else {
                if (a.verb().equals("alert") && decision.stateChanged(last)) saveState(store, last, decision.newState());
                done.add(a);
            }
        }
        return new CertsAlerts(all, failed, errors, scanned, partitions, slackText, decision, last, done);
    }

    @Override
    public List<String> warnings() {
        return all.problems();
    }

    private static String summarize(AlertDedupe.Decision d) {
        long changed = d.previous().size();
        long reminders = d.reminders().size();
        long fresh = d.toAlert().size() - changed - reminders;
        return fresh + " new, " + changed + " changed severity since the last alert"
                + (reminders == 0 ? "" : ", " + reminders + " reminder(s) of findings still critical/expired");
    }

    private static void saveState(StateStore store, Map<String, String> last, Map<String, String> next) {
        if (store == null) return;
        for (String k : last.keySet()) {
            if (!next.containsKey(k)) store.remove(CertsChore.NAME, CertsChore.STATE_PREFIX + k);
        }
        next.forEach((k, v) -> {
            if (!v.equals(last.get(k))) store.put(CertsChore.NAME, CertsChore.STATE_PREFIX + k, v);
        });
    }
}
