package io.kubechores.quotas;

import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.platform.StateStore;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * quotas' roll-up: Slack, once per situation. Every escalation whose value differs from what the state store says was
 * sent (keys "escalated/&lt;target&gt;") is new; targets of the run's successful partitions that no longer escalate are
 * forgotten, so a later denial alerts again. {@link #of} reads the state store only; {@link #apply} sends and
 * remembers (real runs only).
 *
 * @param escalation the Slack action (UNCHANGED when nothing is new)
 * @param fresh      the escalations to send
 * @param now        every escalation of this run, by target
 * @param last       what was sent before, by target
 * @param ran        the partitions that succeeded (only their targets may be forgotten)
 * @param text       the Slack message, null when nothing is new
 */
public record QuotasEscalation(Action escalation, List<QuotasChore.Escalation> fresh,
                               Map<String, QuotasChore.Escalation> now, Map<String, String> last, Set<String> ran,
                               String text) implements RollUp {
    static final String ESCALATED = "escalated/";

    @Override
    public List<Action> actions() {
        return escalation.status() == Action.Status.UNCHANGED ? List.of() : List.of(escalation);
    }

    static QuotasEscalation of(ChoreContext ctx, List<PartitionResult<QuotasChore.Partition>> results) {
        StateStore store = ctx.platform() == null ? null : ctx.platform().state();
        Map<String, String> last = new TreeMap<>();
        if (store != null) {
            store.all(QuotasChore.NAME).forEach((k, v) -> {
                if (k.startsWith(ESCALATED)) last.put(k.substring(ESCALATED.length()), v);
            });
        }
        Map<String, QuotasChore.Escalation> now = new TreeMap<>();
        Set<String> ran = new HashSet<>();
        for (PartitionResult<QuotasChore.Partition> r : results) {
            if (r.isFailed() || r.data() == null) continue;
            ran.add(r.partition());
            r.data().escalations().forEach(e -> now.put(e.target(), e));
        }
        List<QuotasChore.Escalation> fresh = now.values().stream()
                .filter(e -> !e.value().equals(last.get(e.target()))).toList();
        FleetSpec.Notifications n = ctx.state().fleetSpec().notifications();
        String channel = n.slackChannel() == null ? "slack" : "slack " + n.slackChannel();
        if (fresh.isEmpty()) {
            return new QuotasEscalation(new Action(channel, "escalate", "nothing new for a human", now.size()
                    + " quota(s) already escalated", Action.Status.UNCHANGED), fresh, now, last, ran, null);
        }
        StringBuilder text = new StringBuilder("*kubechores quotas*: ").append(fresh.size())
                .append(" quota(s) need a human\n");
        fresh.stream().limit(20).forEach(e -> text.append("• `").append(e.target()).append("` ").append(e.text())
                .append('\n'));
        if (fresh.size() > 20) text.append("… and ").append(fresh.size() - 20).append(" more in the report\n");
        Action a = new Action(channel, "escalate", fresh.size() + " quota(s) for a human",
                fresh.stream().map(QuotasChore.Escalation::target).collect(Collectors.joining(", ")),
                Action.Status.PLANNED);
        return new QuotasEscalation(a, fresh, now, last, ran, text.toString());
    }

    /** Sends the message and remembers it; forgets what no longer escalates. Real runs only. */
    QuotasEscalation apply(ChoreContext ctx) {
        StateStore store = ctx.platform() == null ? null : ctx.platform().state();
        if (fresh.isEmpty()) {
            forget(store);
            return this;
        }
        FleetSpec.Notifications n = ctx.state().fleetSpec().notifications();
        boolean configured = n.slackConfigured(ctx.platform().secrets());
        if (!configured) {
            return with(escalation.withStatus(Action.Status.SKIPPED, "no Slack webhook configured ("
                    + n.slackWebhookEnv() + " unset); not marked as escalated"));
        }
        if (!ctx.limit().tryAcquire()) return with(escalation.withStatus(Action.Status.LIMITED));
        AuditLog.Intent intent = ctx.intend(escalation); // write-ahead, like every mutation
        try {
            ctx.platform().notifier().slack(text);
        } catch (RuntimeException e) {
            Action failed = escalation.withStatus(Action.Status.FAILED, String.valueOf(e.getMessage()));
            intent.outcome(failed);
            return with(failed);
        }
        if (store != null) fresh.forEach(e -> store.put(QuotasChore.NAME, ESCALATED + e.target(), e.value()));
        forget(store);
        Action applied = escalation.withStatus(Action.Status.APPLIED);
        intent.outcome(applied);
        return with(applied);
    }

    private QuotasEscalation with(Action a) {
        return new QuotasEscalation(a, fresh, now, last, ran, text);
    }

    private void forget(StateStore store) {
        if (store == null) return;
        for (String target : last.keySet()) {
            String[] p = target.split("/", 3);
            if (p.length >= 2 && ran.contains(p[0] + "/" + p[1]) && !now.containsKey(target)) {
                store.remove(QuotasChore.NAME, ESCALATED + target);
            }
        }
    }
}
