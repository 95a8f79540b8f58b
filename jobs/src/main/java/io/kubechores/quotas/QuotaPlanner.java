package io.kubechores.quotas;

import io.kubechores.quotas.QuotaDecision.Verdict;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quota rules (pure: records in, decisions out). In order:
 * <ol>
 *   <li>quota code unknown in the region → a human checks the policy;</li>
 *   <li>applied ≥ wanted → nothing to do;</li>
 *   <li>a PENDING or CASE_OPENED request exists → wait for it (never ask twice);</li>
 *   <li>not adjustable → reported for a human;</li>
 *   <li>the request is wanted rounded up, capped at floor(maxIncreaseFactor × applied) when applied &gt; 0 (a quota at
 *   0 has no base for a factor); a cap that allows nothing above applied → reported for a human;</li>
 *   <li>the newest past request already asked for at least that value (whatever its outcome: approved, denied...)
 *   → do not ask again;</li>
 *   <li>otherwise request the increase.</li>
 * </ol>
 */
public final class QuotaPlanner {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private QuotaPlanner() {}

    public static List<QuotaDecision> plan(List<QuotaNeed> needs, Map<QuotaKey, ObservedQuota> observed, Clock clock) {
        List<QuotaDecision> out = new ArrayList<>();
        for (QuotaNeed n : needs) out.add(decide(n, observed.get(n.key()), clock));
        return out;
    }

    public static QuotaDecision decide(QuotaNeed need, ObservedQuota obs, Clock clock) {
        long wanted = need.wanted();
        String why = why(need);
        if (obs == null || obs.applied() == null) {
            return new QuotaDecision(need, obs, Verdict.UNKNOWN_QUOTA, null, false, "",
                    "quota " + need.key().serviceCode() + "/" + need.key().quotaCode()
                            + " not found in this account/region (GetServiceQuota and GetAWSDefaultServiceQuota): check the QuotaPolicy");
        }
        double applied = obs.applied();
        ObservedQuota.QuotaRequest open = obs.history().stream().filter(ObservedQuota.QuotaRequest::open)
                .findFirst().orElse(null);
        ObservedQuota.QuotaRequest last = obs.history().isEmpty() ? null : obs.history().getFirst();
        String requestColumn = open != null ? describe(open, obs, clock) : last != null ? describe(last, obs, clock) : "";
        String base = (obs.awsDefault() ? "AWS default " : "applied ") + num(applied);

        if (applied >= wanted) {
            return new QuotaDecision(need, obs, Verdict.SUFFICIENT, null, false, requestColumn,
                    base + " covers wanted " + wanted + " (" + why + ")");
        }
        if (open != null) {
            return new QuotaDecision(need, obs, Verdict.OPEN_REQUEST, null, false, requestColumn,
                    "request " + open.id() + " for " + num(open.desiredValue()) + " is " + open.status()
                            + since(open, clock) + ": never ask twice");
        }
        if (!obs.adjustable()) {
            return new QuotaDecision(need, obs, Verdict.NOT_ADJUSTABLE, null, false, requestColumn,
                    "not adjustable: " + base + " < wanted " + wanted + " (" + why + "); a human must act"
                            + " (capacity plan, other region/account, or AWS account team)");
        }
        long request = wanted;
        boolean capped = false;
        String capNote = "";
        if (applied > 0) {
            long cap = BigDecimal.valueOf(applied).multiply(BigDecimal.valueOf(need.maxIncreaseFactor()))
                    .setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            if (request > cap) {
                if (cap <= applied) {
                    return new QuotaDecision(need, obs, Verdict.NO_INCREASE_ALLOWED, null, false, requestColumn,
                            "maxIncreaseFactor " + num(need.maxIncreaseFactor()) + " allows nothing above "
                                    + base + " (wanted " + wanted + "); a human must raise it");
                }
                request = cap;
                capped = true;
                capNote = "; capped at maxIncreaseFactor " + num(need.maxIncreaseFactor()) + " × " + num(applied)
                        + " = " + cap + " this run";
            }
        }
        if (last != null && last.desiredValue() != null && last.desiredValue() >= request) {
            return new QuotaDecision(need, obs, Verdict.ALREADY_ASKED, null, capped, requestColumn,
                    "the last request " + last.id() + " (" + last.status() + ") already asked for "
                            + num(last.desiredValue()) + " ≥ " + request + ": not asking again");
        }
        return new QuotaDecision(need, obs, Verdict.REQUEST, request, capped, requestColumn,
                "wanted " + wanted + " > " + base + " (" + why + ")" + capNote);
    }

    /** "need 160 + 20% headroom: a; b". */
    static String why(QuotaNeed n) {
        return "need " + CapacityModel.strip(n.need()) + " + " + n.headroomPercent() + "% headroom: "
                + String.join("; ", n.sources());
    }

    /** The report's "open request" column: status, value, id, age and the support case when there is one. */
    static String describe(ObservedQuota.QuotaRequest r, ObservedQuota obs, Clock clock) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.status()).append(' ').append(num(r.desiredValue())).append(" (").append(r.id());
        if (r.created() != null) sb.append(", ").append(DAY.format(r.created()));
        sb.append(')');
        if (r.caseId() != null && !r.caseId().isBlank()) {
            ObservedQuota.CaseStatus c = obs.cases().get(r.caseId());
            if (c != null) {
                sb.append("; case ").append(c.displayId() != null ? c.displayId() : c.caseId()).append(": ")
                        .append(c.status());
                if (c.latestCommunication() != null) {
                    sb.append(" — latest");
                    if (c.latestCommunicationAt() != null) sb.append(' ').append(c.latestCommunicationAt());
                    sb.append(": \"").append(c.latestCommunication()).append('"');
                }
            } else if (obs.casesUnavailable() != null) {
                sb.append("; case ").append(r.caseId()).append(": ").append(obs.casesUnavailable());
            } else {
                sb.append("; case ").append(r.caseId());
            }
        }
        return sb.toString();
    }

    private static String since(ObservedQuota.QuotaRequest r, Clock clock) {
        if (r.created() == null) return "";
        long days = Duration.between(r.created(), clock.instant()).toDays();
        return " since " + DAY.format(r.created()) + (days >= 0 ? " (" + days + (days == 1 ? " day)" : " days)") : "");
    }

    /** 96.0 → "96", 2.5 → "2.5". */
    static String num(Double d) {
        if (d == null) return "?";
        return CapacityModel.strip(BigDecimal.valueOf(d));
    }
}
