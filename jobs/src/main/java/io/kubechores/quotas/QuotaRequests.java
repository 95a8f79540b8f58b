package io.kubechores.quotas;

import io.kubechores.core.Action;
import io.kubechores.quotas.QuotasChore.Run;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.AwsCallPolicy;
import io.kubechores.platform.aws.AwsClientFactory;
import io.kubechores.platform.aws.QuotasAws;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files Service Quotas increase requests: {@link #admit} (plan, in a dry run too) applies AWS's active-request limits
 * (1 per quota, 2 per Region, 20 per account) and the run's budgets to one planned increase; {@link #send} (real runs
 * only) re-reads the history and, write-ahead, calls RequestServiceQuotaIncrease and maps its answer.
 */
final class QuotaRequests {
    private final AwsCallPolicy callPolicy;

    QuotaRequests(AwsCallPolicy callPolicy) {
        this.callPolicy = callPolicy;
    }

    /** The open requests of one region of the account, counted with that region's clients. */
    private ActiveRequests.Count countActive(Run run, QuotasAws here, String accountId, String hereRegion,
                                             String region) {
        try {
            if (region.equals(hereRegion)) return new ActiveRequests.Count(here.activeRequests().size(), null);
            try (QuotasAws other = QuotasAws.open(run.factory(), callPolicy, accountId, region)) {
                return new ActiveRequests.Count(other.activeRequests().size(), null);
            }
        } catch (RuntimeException e) {
            return new ActiveRequests.Count(0, QuotasAws.describe(e));
        }
    }

    /**
     * Admits one planned increase: the active-request limits first (a request over them is deferred, not sent), then
     * the run's budgets (in a dry run too, so the plan shows exactly what a run would file).
     */
    Action admit(ChoreContext ctx, Run run, QuotasAws aws, QuotaDecision d) {
        Action planned = d.action();
        QuotaKey k = d.key();
        List<String> regions = run.model().partitions().stream().filter(p -> p.startsWith(k.accountId() + "/"))
                .map(p -> p.substring(k.accountId().length() + 1)).toList();
        String full = run.active().take(k.accountId(), k.region(), regions,
                r -> countActive(run, aws, k.accountId(), k.region(), r));
        if (full != null) return deferred(planned, full + ": the most urgent were filed first; this one waits for a"
                + " later run");
        if (!run.requestBudget().tryAcquire()) {
            run.active().release(k.accountId(), k.region());
            return planned.withStatus(Action.Status.LIMITED, planned.detail() + " — maxRequestsPerRun "
                    + run.requestBudget().max() + " reached");
        }
        if (!ctx.limit().tryAcquire()) {
            run.active().release(k.accountId(), k.region());
            return planned.withStatus(Action.Status.LIMITED, planned.detail() + " — safety limit of "
                    + ctx.limit().max() + " changes per run reached");
        }
        return planned;
    }

    /** Sends one admitted increase: a re-read of the history, then (write-ahead) RequestServiceQuotaIncrease. */
    Action send(ChoreContext ctx, Run run, QuotasAws aws, QuotaDecision d, Action planned) {
        QuotaKey k = d.key();
        // re-read right before writing: another run (or a human) may have filed since we collected
        for (QuotasAws.ChangeRequest r : aws.history(k.serviceCode(), k.quotaCode())) {
            if ("PENDING".equals(r.status()) || "CASE_OPENED".equals(r.status())) {
                return planned.withStatus(Action.Status.UNCHANGED, "request " + r.id() + " for "
                        + QuotaPlanner.num(r.desiredValue()) + " is already " + r.status());
            }
        }
        // write-ahead: the intent is in the audit trail, and the run still holds its lease, before the request goes
        io.kubechores.core.AuditLog.Intent intent = ctx.intend(planned);
        QuotasAws.Increase inc;
        try {
            inc = aws.requestIncrease(k.serviceCode(), k.quotaCode(), d.request());
        } catch (RuntimeException e) {
            intent.outcome(planned.withStatus(Action.Status.FAILED, io.kubechores.core.ChoreRunner.describe(e)));
            throw e;
        }
        Action result = outcome(run, k, planned, d, inc);
        intent.outcome(result);
        return result;
    }

    private static Action outcome(Run run, QuotaKey k, Action planned, QuotaDecision d, QuotasAws.Increase inc) {
        return switch (inc.kind()) {
            case FILED -> planned.withStatus(Action.Status.APPLIED, planned.detail() + " — request "
                    + inc.requestId() + " " + inc.status());
            case ALREADY_OPEN -> planned.withStatus(Action.Status.UNCHANGED,
                    "a request is already open (ResourceAlreadyExistsException: " + inc.message() + ")");
            case NOT_GREATER -> planned.withStatus(Action.Status.UNCHANGED,
                    "already at or above " + d.request() + " (IllegalArgumentException: " + inc.message() + ")");
            case QUOTA_EXCEEDED -> {
                run.active().regionFull(k.accountId(), k.region());
                yield deferred(planned, "AWS says the active-request limit is reached (QuotaExceededException: "
                        + inc.message() + "): waits for a later run");
            }
            case NEEDS_HUMAN -> new Action(planned.target(), "ask-human", inc.message(),
                    "RequestServiceQuotaIncrease was refused for a reason a human must fix; nothing was filed",
                    Action.Status.SKIPPED);
            case REJECTED -> planned.withStatus(Action.Status.FAILED, "request rejected: " + inc.message());
        };
    }

    /** A request held back by the active-request limits: verb request-deferred, reported with the reason. */
    static Action deferred(Action planned, String why) {
        return new Action(planned.target(), "request-deferred", planned.detail() + " — deferred: " + why,
                planned.reason(), Action.Status.LIMITED);
    }

}
