package io.kubechores.quotas;

import io.kubechores.core.Action;

/**
 * The planner's verdict for one quota.
 *
 * @param need        what is wanted and why
 * @param observed    what AWS said (null when the quota code was not found)
 * @param verdict     what to do
 * @param request     the value to request (rounded up, capped), null unless verdict is REQUEST
 * @param capped      the request was lowered to maxIncreaseFactor × applied
 * @param openRequest the open (or last) request and its support case, "" when none
 * @param reason      why, in words
 */
public record QuotaDecision(QuotaNeed need, ObservedQuota observed, Verdict verdict, Long request, boolean capped,
                            String openRequest, String reason) {

    public enum Verdict {
        /** applied ≥ wanted */
        SUFFICIENT("none", Action.Status.UNCHANGED),
        /** a PENDING / CASE_OPENED request exists: never ask twice */
        OPEN_REQUEST("await-request", Action.Status.SKIPPED),
        /** the last request already asked for at least what would be requested now */
        ALREADY_ASKED("await-request", Action.Status.SKIPPED),
        /** the quota is not adjustable: a human must act */
        NOT_ADJUSTABLE("ask-human", Action.Status.SKIPPED),
        /** maxIncreaseFactor allows no increase over the applied value */
        NO_INCREASE_ALLOWED("ask-human", Action.Status.SKIPPED),
        /** the quota code does not exist for this service/region */
        UNKNOWN_QUOTA("ask-human", Action.Status.SKIPPED),
        /** file RequestServiceQuotaIncrease */
        REQUEST("request-increase", Action.Status.PLANNED);

        public final String verb;
        public final Action.Status status;

        Verdict(String verb, Action.Status status) {
            this.verb = verb;
            this.status = status;
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
            case REQUEST -> applied + " → " + request + (capped ? " (wanted " + wanted() + ", capped)" : "");
            default -> "applied " + applied + ", wanted " + wanted();
        };
    }

    /** A human must look at it (reported as a warning). */
    public boolean needsHuman() {
        return verdict == Verdict.NOT_ADJUSTABLE || verdict == Verdict.NO_INCREASE_ALLOWED
                || verdict == Verdict.UNKNOWN_QUOTA;
    }
}
