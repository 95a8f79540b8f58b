package io.kubechores.quotas;

import io.kubechores.quotas.QuotaDecision.Verdict;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quota rules (pure: records in, decisions out). In order:
 * <ol>
 *   <li>AWS answered an error a human must fix (DependencyAccessDeniedException...) → reported for a human;</li>
 *   <li>quota code unknown in the region → a human checks the policy;</li>
 *   <li>applied ≥ wanted → nothing to do;</li>
 *   <li>a PENDING or CASE_OPENED request exists → wait for it (AWS allows one active request per quota);</li>
 *   <li>not adjustable → reported for a human;</li>
 *   <li>the request is wanted rounded up, capped at floor(maxIncreaseFactor × applied) when applied &gt; 0 (a quota at
 *   0 has no base for a factor); a cap that allows nothing above applied → reported for a human;</li>
 *   <li>the newest request's status decides (RequestedServiceQuotaChange.Status, Service Quotas API reference):
 *     <ul>
 *       <li>DENIED / NOT_APPROVED ("can't be approved by Service Quotas, contact AWS Support") → a human, unless
 *       reaskAfterDays is set and that many days passed since the decision → ask again;</li>
 *       <li>CASE_CLOSED ("check the support case correspondence for the outcome") → the outcome is read from the
 *       quota: applied ≥ what it asked means granted (then a need that grew is requested); below it → a human, with
 *       the case's latest correspondence (or re-ask after the cool-down);</li>
 *       <li>INVALID_REQUEST (a resource-level request with an invalid ContextId ARN) → requested again, at account
 *       level (kubechores never sends a ContextId);</li>
 *       <li>APPROVED with applied below what it asked (a partial approval) → flagged for a human and the remainder
 *       requested; APPROVED and applied since covered it → the grown need is requested;</li>
 *       <li>any other status → a human;</li>
 *     </ul></li>
 *   <li>no history → request the increase.</li>
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
        if (obs != null && obs.blocked() != null) {
            return new QuotaDecision(need, obs, Verdict.AWS_BLOCKED, null, false, "", obs.blocked());
        }
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
        String ask = "wanted " + wanted + " > " + base + " (" + why + ")" + capNote;
        if (last == null) return new QuotaDecision(need, obs, Verdict.REQUEST, request, capped, requestColumn, ask);

        String lastIs = "the last request " + last.id() + " for " + num(last.desiredValue());
        double asked = last.desiredValue() == null ? 0 : last.desiredValue();
        switch (normalise(last.status())) {
            case "DENIED", "NOT_APPROVED" -> {
                String said = lastIs + " was " + last.status() + " on " + day(last.decided());
                Long due = reaskDue(need, last, clock);
                if (due != null && due <= 0) {
                    return new QuotaDecision(need, obs, Verdict.REASK_AFTER_COOLDOWN, request, capped, requestColumn,
                            said + ", more than reaskAfterDays " + need.reaskAfterDays() + " ago: asking again; " + ask);
                }
                return new QuotaDecision(need, obs, Verdict.DENIED, null, false, requestColumn, said
                        + ": Service Quotas can't approve it, a human must contact AWS Support (applied " + num(applied)
                        + ", wanted " + wanted + ")" + reaskNote(need, last, due));
            }
            case "CASE_CLOSED" -> {
                if (applied >= asked) {
                    return new QuotaDecision(need, obs, Verdict.REQUEST, request, capped, requestColumn,
                            lastIs + " was granted (support case closed, applied " + num(applied) + "); " + ask);
                }
                Long due = reaskDue(need, last, clock);
                if (due != null && due <= 0) {
                    return new QuotaDecision(need, obs, Verdict.REASK_AFTER_COOLDOWN, request, capped, requestColumn,
                            lastIs + ": its support case closed on " + day(last.decided()) + " without the increase,"
                                    + " more than reaskAfterDays " + need.reaskAfterDays() + " ago: asking again; " + ask);
                }
                return new QuotaDecision(need, obs, Verdict.CASE_CLOSED, null, false, requestColumn,
                        lastIs + ": its support case was closed and applied is still " + num(applied)
                                + ": a human must read the case" + caseOutcome(last, obs)
                                + reaskNote(need, last, due));
            }
            case "INVALID_REQUEST" -> {
                return new QuotaDecision(need, obs, Verdict.REREQUEST_INVALID, request, capped, requestColumn,
                        lastIs + " was INVALID_REQUEST (a resource-level request with an invalid ContextId ARN):"
                                + " requesting again at account level; " + ask);
            }
            case "APPROVED" -> {
                if (applied < asked) {
                    return new QuotaDecision(need, obs, Verdict.REQUEST_REMAINDER, request, capped, requestColumn,
                            lastIs + " was APPROVED but applied is only " + num(applied)
                                    + " (approved lower than asked): requesting the remainder; " + ask);
                }
                return new QuotaDecision(need, obs, Verdict.REQUEST, request, capped, requestColumn, ask);
            }
            default -> {
                return new QuotaDecision(need, obs, Verdict.UNKNOWN_STATUS, null, false, requestColumn,
                        lastIs + " has status " + last.status() + ", which kubechores does not know: a human must look"
                                + " before anything is requested (applied " + num(applied) + ", wanted " + wanted + ")");
            }
        }
    }

    /** "NOT APPROVED" (as the API reference prints it) and NOT_APPROVED (the enum value) are the same status. */
    static String normalise(String status) {
        return status == null ? "" : status.trim().replace(' ', '_');
    }

    /** Days until a re-ask is due (≤ 0: due now), null when the policy never re-asks. */
    private static Long reaskDue(QuotaNeed need, ObservedQuota.QuotaRequest last, Clock clock) {
        if (need.reaskAfterDays() == null || last.decided() == null) return null;
        Instant dueAt = last.decided().plus(Duration.ofDays(need.reaskAfterDays()));
        long seconds = Duration.between(clock.instant(), dueAt).toSeconds();
        return seconds <= 0 ? 0L : Math.max(1, (seconds + 86_399) / 86_400);
    }

    private static String reaskNote(QuotaNeed need, ObservedQuota.QuotaRequest last, Long due) {
        if (due == null) return " (no re-ask: set reaskAfterDays in the QuotaPolicy to ask again after a cool-down)";
        return "; asking again on " + day(last.decided().plus(Duration.ofDays(need.reaskAfterDays())))
                + " (reaskAfterDays " + need.reaskAfterDays() + ")";
    }

    private static String caseOutcome(ObservedQuota.QuotaRequest last, ObservedQuota obs) {
        if (last.caseId() == null || last.caseId().isBlank()) return "";
        ObservedQuota.CaseStatus c = obs.cases().get(last.caseId());
        if (c == null) {
            return " " + last.caseId() + (obs.casesUnavailable() != null ? " (" + obs.casesUnavailable() + ")" : "");
        }
        StringBuilder sb = new StringBuilder(" ").append(c.displayId() != null ? c.displayId() : last.caseId())
                .append(" (").append(c.status()).append(')');
        if (c.latestCommunication() != null) sb.append(", latest: \"").append(c.latestCommunication()).append('"');
        return sb.toString();
    }

    private static String day(Instant i) {
        return i == null ? "?" : DAY.format(i);
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
