package io.kubechores.quotas;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static io.kubechores.quotas.QuotasFixtures.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which rows reach Slack, and under which dedupe value (a changed value alerts again; the same value never twice):
 * DENIED / NOT_APPROVED (Service Quotas API reference, RequestedServiceQuotaChange.Status: "can't be approved by
 * Service Quotas. Contact AWS Support"), CASE_CLOSED below the ask, partial approvals, and an open request (PENDING or
 * CASE_OPENED) older than escalatePendingAfterDays — never an open request younger than that, never without the
 * setting, never a sufficient quota. The dedupe value names the request, so a new denial is a new alert;
 * QuotasChoreIT.deniedAndLongPendingRequestsReachSlackOnce shows one message for two runs on the wire.
 */
class EscalationRulesTest {
    @ParameterizedTest(name = "[{index}] applied {0}, [{1}], escalate after {2} → {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // applied; history (newest first, STATUS:value@days since last update; created 2 days before); days; dedupe value; text contains
            "64 | DENIED:192@3 | - | DENIED:r0 | DENIED",
            "64 | NOT_APPROVED:192@3 | - | DENIED:r0 | NOT_APPROVED",
            "64 | DENIED:192@3 | 14 | DENIED:r0 | DENIED",
            "64 | DENIED:150@1;DENIED:192@40 | - | DENIED:r0 | DENIED",
            "64 | PENDING:192@5 | 14 | - | -",
            "64 | PENDING:192@13 | 14 | STALE:r0 | PENDING for 15 days (escalatePendingAfterDays 14)",
            "64 | PENDING:192@12 | 14 | STALE:r0 | PENDING for 14 days (escalatePendingAfterDays 14)",
            "64 | CASE_OPENED:192@20 | 14 | STALE:r0 | CASE_OPENED for 22 days",
            "64 | PENDING:192@300 | - | - | -",
            "64 | CASE_OPENED:192@300 | - | - | -",
            "256 | DENIED:192@3 | 14 | - | -",
            "64 | INVALID_REQUEST:192@3 | 14 | - | -",
            "64 | - | 14 | - | -",
    })
    void escalation(double applied, String history, Integer escalateAfterDays, String value, String text) {
        QuotaNeed need = new QuotaNeed(QuotaPlannerTest.KEY, "std", new BigDecimal("160"), 20, 4.0, List.of("p"),
                List.of("c/pool"), null, escalateAfterDays);
        ObservedQuota observed = new ObservedQuota("std", applied, true, false, QuotaPlannerTest.history(history),
                Map.of(), null);
        QuotaDecision d = QuotaPlanner.plan(List.of(need), Map.of(need.key(), observed), CLOCK).getFirst();

        String[] e = d.escalation(CLOCK);

        if (value == null) {
            assertThat(e).as(d.verdict() + " " + d.reason()).isNull();
            return;
        }
        assertThat(e).as(d.verdict() + " " + d.reason()).isNotNull();
        assertThat(e[0]).isEqualTo(value);
        assertThat(e[1]).contains(text);
    }
}
