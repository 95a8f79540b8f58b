package io.kubechores.quotas;

import io.kubechores.core.Action;

/**
 * The planner's verdict for one quota.
 *
 * @param need        what is wanted and why
 * @param observed    what AWS said (null when the quota code was not found)
 * @param verdict     what to do
 * @param request     the value to request (rounded up, capped), null unless the verdict files a request
 * @param capped      the request was lowered to maxIncreaseFactor × applied
 * @param openRequest the open (or last) request and its support case, "" when none
 * @param reason      why, in words
 */
public record QuotaDecision(QuotaNeed need, ObservedQuota observed, Verdict verdict, Long request, boolean capped,
                            String openRequest, String reason) {

    public enum Verdict {
        /** applied ≥ wanted */
        SUFFICIENT("none", Action.Status.UNCHANGED),
        /** a PENDING / CASE_OPENED request exists: never ask twice (AWS allows 1 active request per quota) */
        OPEN_REQUEST("await-request", Action.Status.SKIPPED),
        /** the last request was DENIED / NOT_APPROVED and no re-ask is due: a human talks to AWS Support */
        DENIED("ask-human", Action.Status.SKIPPED),
        /** the last request's support case was closed and the quota is still below what it asked: a human reads it */
        CASE_CLOSED("ask-human", Action.Status.SKIPPED),
        /** the last request has a status this version does not know: a human looks */
        UNKNOWN_STATUS("ask-human", Action.Status.SKIPPED),
        /** the quota is not adjustable: a human must act */
        NOT_ADJUSTABLE("ask-human", Action.Status.SKIPPED),
        /** maxIncreaseFactor allows no increase over the applied value */
        NO_INCREASE_ALLOWED("ask-human", Action.Status.SKIPPED),
        /** the quota code does not exist for this service/region */
        UNKNOWN_QUOTA("ask-human", Action.Status.SKIPPED),
        /** AWS answered an error a human must fix first (missing service-linked role, resource state) */
        AWS_BLOCKED("ask-human", Action.Status.SKIPPED),
        /** file RequestServiceQuotaIncrease */
        REQUEST("request-increase", Action.Status.PLANNED),
        /** the last request was INVALID_REQUEST: file a new (account-level) request */
        REREQUEST_INVALID("request-increase", Action.Status.PLANNED),
        /** the last request was denied (or its case closed unmet) longer ago than reaskAfterDays: ask again */
        REASK_AFTER_COOLDOWN("request-increase", Action.Status.PLANNED),
        /** the last request was APPROVED with a lower value than asked: flagged, and the remainder is requested */
        REQUEST_REMAINDER("request-increase", Action.Status.PLANNED);

        public final String verb;
        public final Action.Status status;

        Verdict(String verb, Action.Status status) {
            this.verb = verb;
            this.status = status;
        }

        /** This verdict files RequestServiceQuotaIncrease. */
        public boolean files() {
            return verb.equals("request-increase");
        }
    }

    public QuotaKey key() {
        return need.key();
    }

    public long wanted() {
        return need.wanted();
    }

    /** The plan line: request-increase PLANNED, or what is true / skipped and why. */
    public Action action() {
        return new Action(key().target(), verdict.verb, detail(), reason, verdict.status);
    }

    /** "64 → 96", or the applied/wanted values when nothing is requested. */
    public String detail() {
        String applied = observed == null || observed.applied() == null ? "?" : QuotaPlanner.num(observed.applied());
        return switch (verdict) {
            case REQUEST, REREQUEST_INVALID, REASK_AFTER_COOLDOWN, REQUEST_REMAINDER ->
                    applied + " → " + request + (capped ? " (wanted " + wanted() + ", capped)" : "");
            default -> "applied " + applied + ", wanted " + wanted();
        };
    }

    /** A human must look at it (reported as a warning). */
    public boolean needsHuman() {
        return verdict.verb.equals("ask-human") || verdict == Verdict.REQUEST_REMAINDER;
    }

    /**
     * What a human must hear about, once (deduplicated on {@code value}): a denial, a closed case, an unknown status,
     * a blocking AWS error, a partial approval, or an open request older than escalatePendingAfterDays. Null when
     * nothing is to be escalated.
     *
     * @return {@code [value, text]}: value changes when the situation changes (then it is escalated again)
     */
    public String[] escalation(java.time.Clock clock) {
        ObservedQuota.QuotaRequest last = observed == null || observed.history().isEmpty() ? null
                : observed.history().getFirst();
        String id = last == null ? "" : last.id();
        return switch (verdict) {
            case DENIED, CASE_CLOSED, UNKNOWN_STATUS, REQUEST_REMAINDER -> new String[]{verdict + ":" + id, reason};
            case AWS_BLOCKED -> new String[]{verdict.name(), reason};
            case OPEN_REQUEST -> {
                Integer days = need.escalatePendingAfterDays();
                ObservedQuota.QuotaRequest open = observed.history().stream()
                        .filter(ObservedQuota.QuotaRequest::open).findFirst().orElse(null);
                if (days == null || open == null || open.created() == null) yield null;
                long age = java.time.Duration.between(open.created(), clock.instant()).toDays();
                yield age < days ? null : new String[]{"STALE:" + open.id(), open.status() + " for " + age
                        + " days (escalatePendingAfterDays " + days + "): " + openRequest};
            }
            default -> null;
        };
    }

    /** How urgent filing is: the share of the wanted value that is missing (1 = nothing applied). */
    public double urgency() {
        double applied = observed == null || observed.applied() == null ? 0 : observed.applied();
        long w = wanted();
        return w <= 0 ? 0 : Math.max(0, (w - applied) / w);
    }
}
