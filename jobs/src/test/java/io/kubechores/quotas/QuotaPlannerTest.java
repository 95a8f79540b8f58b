package io.kubechores.quotas;

import io.kubechores.core.Action;
import io.kubechores.quotas.QuotaDecision.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;
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
        return new QuotaNeed(KEY, "std", new BigDecimal(need), headroom, factor, List.of("p"), List.of("c/pool"));
    }

    /** "STATUS:value;STATUS:value", newest first. */
    static List<ObservedQuota.QuotaRequest> history(String spec) {
        List<ObservedQuota.QuotaRequest> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) return out;
        int i = 0;
        for (String s : spec.split(";")) {
            String[] sv = s.split(":");
            out.add(new ObservedQuota.QuotaRequest("r" + i, sv[0].equals("CASE_OPENED") ? "case-" + i : null,
                    Double.parseDouble(sv[1]), sv[0], NOW.minus(Duration.ofDays(1 + i * 10L))));
            i++;
        }
        return out;
    }

    @ParameterizedTest(name = "applied {0} adjustable {1}, need {2} +{3}% factor {4}, history [{5}] → {6} {7}")
    @CsvSource(nullValues = "-", textBlock = """
            # applied, adjustable, need, headroom, factor, history,                     verdict,             request, capped
              256,     true,       160,  20,       2,      -,                           SUFFICIENT,          -,       false
              192,     true,       160,  20,       2,      -,                           SUFFICIENT,          -,       false
              191,     true,       160,  20,       2,      -,                           REQUEST,             192,     false
              64,      true,       160,  20,       2,      -,                           REQUEST,             128,     true
              64,      true,       160,  20,       1.5,    -,                           REQUEST,             96,      true
              5,       true,       7,    0,        1.1,    -,                           NO_INCREASE_ALLOWED, -,       false
              0,       true,       32,   20,       2,      -,                           REQUEST,             39,      false
              64,      false,      160,  20,       2,      -,                           NOT_ADJUSTABLE,      -,       false
              64,      true,       160,  20,       2,      PENDING:100,                 OPEN_REQUEST,        -,       false
              64,      true,       160,  20,       2,      CASE_OPENED:100,             OPEN_REQUEST,        -,       false
              64,      false,      160,  20,       2,      PENDING:100,                 OPEN_REQUEST,        -,       false
              64,      true,       160,  20,       2,      APPROVED:64;PENDING:128,     OPEN_REQUEST,        -,       false
              64,      true,       160,  20,       2,      DENIED:128,                  ALREADY_ASKED,       -,       true
              64,      true,       100,  0,        2,      APPROVED:100,                ALREADY_ASKED,       -,       false
              64,      true,       160,  20,       2,      DENIED:127,                  REQUEST,             128,     true
              64,      true,       160,  20,       2,      DENIED:100;APPROVED:500,     REQUEST,             128,     true
              100,     true,       99.2, 0,        2,      -,                           SUFFICIENT,          -,       false
              10,      true,       10,   15,       2,      -,                           REQUEST,             12,      false
            """)
    void rules(double applied, boolean adjustable, String need, int headroom, double factor, String history,
               Verdict verdict, Long request, boolean capped) {
        ObservedQuota obs = new ObservedQuota("std", applied, adjustable, false, history(history), Map.of(), null);

        QuotaDecision d = QuotaPlanner.decide(need(need, headroom, factor), obs, CLOCK);

        assertThat(d.verdict()).isEqualTo(verdict);
        assertThat(d.request()).isEqualTo(request);
        assertThat(d.capped()).isEqualTo(capped);
        Action a = d.action();
        assertThat(a.target()).isEqualTo("111111111111/eu-central-1/ec2/L-1216C47A");
        assertThat(a.status()).isEqualTo(verdict == Verdict.REQUEST ? Action.Status.PLANNED
                : verdict == Verdict.SUFFICIENT ? Action.Status.UNCHANGED : Action.Status.SKIPPED);
        assertThat(a.reason()).isNotBlank();
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
                List.of(new ObservedQuota.QuotaRequest("r1", "case-1", 192.0, "CASE_OPENED", NOW.minus(Duration.ofDays(4)))),
                Map.of("case-1", new ObservedQuota.CaseStatus("case-1", "17001", "pending-customer-action",
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
