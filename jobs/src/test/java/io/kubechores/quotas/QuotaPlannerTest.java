package io.kubechores.quotas;

import io.kubechores.core.Action;
import io.kubechores.quotas.QuotaDecision.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kubechores.quotas.QuotasFixtures.CLOCK;
import static io.kubechores.quotas.QuotasFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** The quota rules, table-driven: sufficiency, skip rules, headroom rounding, factor cap. */
class QuotaPlannerTest {
    static final QuotaKey KEY = new QuotaKey("111111111111", "eu-central-1", "ec2", "L-1216C47A");

    static QuotaNeed need(String need, int headroom, double factor) {
        return need(need, headroom, factor, null);
    }

    static QuotaNeed need(String need, int headroom, double factor, Integer reaskAfterDays) {
        return new QuotaNeed(KEY, "std", new BigDecimal(need), headroom, factor, List.of("p"), List.of("c/pool"),
                reaskAfterDays);
    }

    /** "STATUS:value[@daysAgo];STATUS:value", newest first; CASE_* requests carry a numeric case (display) id. */
    static List<ObservedQuota.QuotaRequest> history(String spec) {
        List<ObservedQuota.QuotaRequest> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) return out;
        int i = 0;
        for (String s : spec.split(";")) {
            String[] sv = s.split(":");
            String[] va = sv[1].split("@");
            long daysAgo = va.length > 1 ? Long.parseLong(va[1]) : 1 + i * 10L;
            Instant at = NOW.minus(Duration.ofDays(daysAgo));
            out.add(new ObservedQuota.QuotaRequest("r" + i, sv[0].startsWith("CASE_") ? "1756000000" + i : null,
                    Double.parseDouble(va[0]), sv[0], at.minus(Duration.ofDays(2)), at));
            i++;
        }
        return out;
    }

    /**
     * Every status of RequestedServiceQuotaChange.Status × the history cases. Source: Service Quotas API reference,
     * RequestedServiceQuotaChange (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_RequestedServiceQuotaChange.html):
     * PENDING "under review", CASE_OPENED "opened a support case ... follow-up on the support case", APPROVED,
     * DENIED / NOT APPROVED "can't be approved by Service Quotas. Contact AWS Support", CASE_CLOSED "check the support
     * case correspondence for the outcome", INVALID_REQUEST "couldn't process your resource-level quota increase request
     * because the ARN specified as part of the ContextId is invalid". Service Quotas' own quotas
     * (https://docs.aws.amazon.com/servicequotas/latest/userguide/reference_limits.html): 1 active request per quota.
     * need 160 + 20% = 192 wanted; factor 4 lets a request reach 192 from 64 without a cap.
     */
    @ParameterizedTest(name = "applied {0} adjustable {1}, need {2} +{3}% factor {4} reask {5}, history [{6}] → {7} {8}")
    @CsvSource(nullValues = "-", textBlock = """
            # applied, adj,  need, head, factor, reask, history,                   verdict,              request, capped, human
              256,     true, 160,  20,   2,      -,     -,                         SUFFICIENT,           -,       false,  false
              192,     true, 160,  20,   2,      -,     -,                         SUFFICIENT,           -,       false,  false
              191,     true, 160,  20,   2,      -,     -,                         REQUEST,              192,     false,  false
              64,      true, 160,  20,   2,      -,     -,                         REQUEST,              128,     true,   false
              64,      true, 160,  20,   1.5,    -,     -,                         REQUEST,              96,      true,   false
              5,       true, 7,    0,    1.1,    -,     -,                         NO_INCREASE_ALLOWED,  -,       false,  true
              0,       true, 32,   20,   2,      -,     -,                         REQUEST,              39,      false,  false
              64,      false,160,  20,   2,      -,     -,                         NOT_ADJUSTABLE,       -,       false,  true
              100,     true, 99.2, 0,    2,      -,     -,                         SUFFICIENT,           -,       false,  false
              10,      true, 10,   15,   2,      -,     -,                         REQUEST,              12,      false,  false
            # PENDING / CASE_OPENED: awaiting, whatever else the history holds
              64,      true, 160,  20,   4,      -,     PENDING:100,               OPEN_REQUEST,         -,       false,  false
              64,      true, 160,  20,   4,      -,     CASE_OPENED:100,           OPEN_REQUEST,         -,       false,  false
              64,      false,160,  20,   4,      -,     PENDING:100,               OPEN_REQUEST,         -,       false,  false
              64,      true, 160,  20,   4,      30,    APPROVED:64;PENDING:128,   OPEN_REQUEST,         -,       false,  false
              64,      true, 160,  20,   4,      30,    CASE_OPENED:192;DENIED:192@90, OPEN_REQUEST,     -,       false,  false
            # DENIED / NOT_APPROVED: a human; re-ask only after the cool-down
              64,      true, 160,  20,   4,      -,     DENIED:192,                DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      -,     DENIED:100,                DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      -,     DENIED:192@400,            DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      30,    DENIED:192@10,             DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      30,    DENIED:192@29,             DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      30,    DENIED:192@30,             REASK_AFTER_COOLDOWN, 192,     false,  false
              64,      true, 160,  20,   2,      30,    DENIED:192@31,             REASK_AFTER_COOLDOWN, 128,     true,   false
              64,      true, 160,  20,   4,      -,     NOT_APPROVED:192,          DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      -,     NOT APPROVED:192,          DENIED,               -,       false,  true
              64,      true, 160,  20,   4,      30,    NOT_APPROVED:192@45,       REASK_AFTER_COOLDOWN, 192,     false,  false
              64,      true, 160,  20,   4,      -,     DENIED:100;APPROVED:500,   DENIED,               -,       false,  true
              256,     true, 160,  20,   4,      -,     DENIED:512,                SUFFICIENT,           -,       false,  false
              64,      false,160,  20,   4,      -,     DENIED:192,                NOT_ADJUSTABLE,       -,       false,  true
            # INVALID_REQUEST: request again (account level)
              64,      true, 160,  20,   4,      -,     INVALID_REQUEST:192,       REREQUEST_INVALID,    192,     false,  false
              64,      true, 160,  20,   2,      -,     INVALID_REQUEST:128,       REREQUEST_INVALID,    128,     true,   false
            # APPROVED: lower than asked → flag and ask for the remainder; fully applied → the grown need is asked
              96,      true, 160,  20,   4,      -,     APPROVED:192,              REQUEST_REMAINDER,    192,     false,  true
              96,      true, 160,  20,   2,      -,     APPROVED:192,              REQUEST_REMAINDER,    192,     false,  true
              96,      true, 160,  20,   4,      -,     APPROVED:96,               REQUEST,              192,     false,  false
              64,      true, 160,  20,   4,      -,     APPROVED:50,               REQUEST,              192,     false,  false
              64,      true, 160,  20,   4,      -,     APPROVED:64;DENIED:500,    REQUEST,              192,     false,  false
            # CASE_CLOSED: the outcome is read from the quota (and the case): granted → go on; not → a human
              96,      true, 160,  20,   4,      -,     CASE_CLOSED:192,           CASE_CLOSED,          -,       false,  true
              96,      true, 160,  20,   4,      30,    CASE_CLOSED:192@5,         CASE_CLOSED,          -,       false,  true
              96,      true, 160,  20,   4,      30,    CASE_CLOSED:192@40,        REASK_AFTER_COOLDOWN, 192,     false,  false
              96,      true, 160,  20,   4,      -,     CASE_CLOSED:96,            REQUEST,              192,     false,  false
            # a status this version does not know
              64,      true, 160,  20,   4,      -,     SOMETHING_NEW:192,         UNKNOWN_STATUS,       -,       false,  true
            """)
    void rules(double applied, boolean adjustable, String need, int headroom, double factor, Integer reask,
               String history, Verdict verdict, Long request, boolean capped, boolean human) {
        ObservedQuota obs = new ObservedQuota("std", applied, adjustable, false, history(history), Map.of(), null);

        QuotaDecision d = QuotaPlanner.decide(need(need, headroom, factor, reask), obs, CLOCK);

        assertThat(d.verdict()).isEqualTo(verdict);
        assertThat(d.request()).isEqualTo(request);
        assertThat(d.capped()).isEqualTo(capped);
        assertThat(d.needsHuman()).as("needs a human").isEqualTo(human);
        Action a = d.action();
        assertThat(a.target()).isEqualTo("111111111111/eu-central-1/ec2/L-1216C47A");
        assertThat(a.status()).isEqualTo(verdict.files() ? Action.Status.PLANNED
                : verdict == Verdict.SUFFICIENT ? Action.Status.UNCHANGED : Action.Status.SKIPPED);
        assertThat(a.verb()).isEqualTo(verdict.files() ? "request-increase"
                : human ? "ask-human" : verdict == Verdict.SUFFICIENT ? "none" : "await-request");
        assertThat(a.reason()).isNotBlank();
    }

    @Test
    void deniedSaysWhenItWillBeAskedAgain() {
        ObservedQuota obs = new ObservedQuota("std", 64.0, true, false, history("DENIED:192@10"), Map.of(), null);

        assertThat(QuotaPlanner.decide(need("160", 20, 4, 30), obs, CLOCK).reason()).isEqualTo(
                "the last request r0 for 192 was DENIED on 2026-11-14: Service Quotas can't approve it, a human must"
                        + " contact AWS Support (applied 64, wanted 192); asking again on 2026-12-14 (reaskAfterDays 30)");
        assertThat(QuotaPlanner.decide(need("160", 20, 4), obs, CLOCK).reason()).endsWith(
                "(no re-ask: set reaskAfterDays in the QuotaPolicy to ask again after a cool-down)");
    }

    @Test
    void closedCaseNamesTheCaseAndItsLatestCorrespondence() {
        ObservedQuota obs = new ObservedQuota("std", 96.0, true, false, history("CASE_CLOSED:192@3"),
                Map.of("17560000000", new ObservedQuota.CaseStatus("case-111111111111-2026-c4c1d2bf33c5cf47",
                        "17560000000", "resolved", "We can offer 96 vCPUs for now.", "2026-11-21T09:00:00.000Z")),
                null);

        QuotaDecision d = QuotaPlanner.decide(need("160", 20, 4), obs, CLOCK);

        assertThat(d.verdict()).isEqualTo(Verdict.CASE_CLOSED);
        assertThat(d.reason()).contains("the last request r0 for 192: its support case was closed and applied is"
                + " still 96: a human must read the case 17560000000 (resolved), latest: \"We can offer 96 vCPUs for now.\"");
    }

    @ParameterizedTest(name = "need {0} + {1}% = {2}")
    @CsvSource({"160, 20, 192", "48, 20, 58", "80, 15, 92", "10, 15, 12", "1, 0, 1", "99.5, 0, 100", "0.1, 10, 1",
            "640, 20, 768", "60, 20, 72", "33, 0, 33"})
    void headroomIsAddedAndRoundedUp(String need, int headroom, long wanted) {
        assertThat(QuotaNeed.wanted(new BigDecimal(need), headroom)).isEqualTo(wanted);
    }

    @Test
    void unknownQuotaIsForAHuman() {
        QuotaDecision d = QuotaPlanner.decide(need("10", 0, 2), null, CLOCK);
        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN_QUOTA);
        assertThat(d.needsHuman()).isTrue();
        assertThat(d.action().verb()).isEqualTo("ask-human");
    }

    @Test
    void openRequestColumnShowsTheSupportCase() {
        ObservedQuota obs = new ObservedQuota("std", 64.0, true, false,
                List.of(new ObservedQuota.QuotaRequest("r1", "17001", 192.0, "CASE_OPENED", NOW.minus(Duration.ofDays(4)))),
                Map.of("17001", new ObservedQuota.CaseStatus("case-111111111111-2026-c4c1d2bf33c5cf47", "17001", "pending-customer-action",
                        "Please describe the workload.", "2026-11-23T08:00:00.000Z")), null);

        QuotaDecision d = QuotaPlanner.decide(need("160", 20, 2), obs, CLOCK);

        assertThat(d.openRequest()).isEqualTo("CASE_OPENED 192 (r1, 2026-11-20); case 17001: pending-customer-action"
                + " — latest 2026-11-23T08:00:00.000Z: \"Please describe the workload.\"");
        assertThat(d.reason()).isEqualTo("request r1 for 192 is CASE_OPENED since 2026-11-20 (4 days): never ask twice");
    }

    @Test
    void requestReasonExplainsNeedHeadroomAndCap() {
        ObservedQuota obs = new ObservedQuota("std", 64.0, true, true, List.of(), Map.of(), null);
        QuotaDecision d = QuotaPlanner.decide(need("160", 20, 2), obs, CLOCK);
        assertThat(d.action().detail()).isEqualTo("64 → 128 (wanted 192, capped)");
        assertThat(d.reason()).isEqualTo("wanted 192 > AWS default 64 (need 160 + 20% headroom: c/pool);"
                + " capped at maxIncreaseFactor 2 × 64 = 128 this run");
    }
}
