package io.kubechores.quotas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In use, growth (least-squares slope of the daily peaks over the window) and days to exhaustion of a quota's usage
 * metric (Service Quotas' UsageMetric read with CloudWatch GetMetricData; MetricStatisticRecommendation Maximum), and
 * the warnings before a node pool cannot scale.
 */
class UsageForecastTest {
    static final Instant T0 = Instant.parse("2026-11-10T10:00:00Z");

    static List<UsageForecast.Point> daily(String values) {
        List<UsageForecast.Point> out = new ArrayList<>();
        double[] v = Arrays.stream(values.split(" ")).mapToDouble(Double::parseDouble).toArray();
        for (int i = 0; i < v.length; i++) out.add(new UsageForecast.Point(T0.plus(Duration.ofDays(i)), v[i]));
        return out;
    }

    @ParameterizedTest(name = "{0}: [{1}] of {2}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "steady growth;       60 64 68 72 76;       100; 76; 4.0;  6.0;  in 6.0 days (+4.0/day)",
            "flat;                50 50 50 50;          100; 50; 0.0;  -;    not growing (+0.0/day)",
            "shrinking;           90 80 70;             100; 70; -10.0; -;   not growing (-10.0/day)",
            "exhausted;           90 95 100;            100; 100; 5.0; 0.0;  exhausted",
            "over applied;        120;                  100; 120; -;   0.0;  exhausted",
            "two points: no fit;  10 20;                100; 20; -;    -;    ''",
            // a one-day spike moves a linear fit over the window little: slope of 10 10 40 10 10 is 0
            "one spike;           10 10 40 10 10;       100; 10; 0.0;  -;    not growing (+0.0/day)",
            "noisy growth;        10 14 11 16 13 18;    50;  18; 1.2;  26.7; in 26.7 days (+1.2/day)",
    })
    void forecast(String name, String values, double applied, double inUse, Double slope, Double days, String text) {
        UsageForecast.Usage u = UsageForecast.of(daily(values), applied);
        assertThat(u.inUse()).as(name).isEqualTo(inUse);
        if (slope == null) assertThat(u.slopePerDay()).as(name).isNull();
        else assertThat(u.slopePerDay()).as(name).isCloseTo(slope, org.assertj.core.data.Offset.offset(0.05));
        if (days == null) assertThat(u.daysToExhaustion()).as(name).isNull();
        else assertThat(u.daysToExhaustion()).as(name).isCloseTo(days, org.assertj.core.data.Offset.offset(0.05));
        assertThat(u.exhaustionText()).as(name).isEqualTo(text);
    }

    @Test
    void anEmptySeriesHasNoUsage() {
        assertThat(UsageForecast.of(List.of(), 10.0)).isNull();
    }

    static final List<QuotaNeed.NodeStep> STEPS = List.of(new QuotaNeed.NodeStep("c/general", "m6i.2xlarge", 8),
            new QuotaNeed.NodeStep("c/big", "m6i.16xlarge", 64));

    @Test
    void warnsWhenAPoolCannotAddOneNode() {
        UsageForecast.Usage u = UsageForecast.of(daily("100 100 100"), 128.0);
        assertThat(UsageForecast.warnings("t", u, 128.0, STEPS)).containsExactly(
                "t: in use 100 of applied 128: only 28 free, so c/big (one m6i.16xlarge needs 64) cannot add a node");
    }

    @Test
    void warnsWhenExhaustedWithinTwoWeeksAtTheCurrentGrowth() {
        UsageForecast.Usage soon = UsageForecast.of(daily("70 80 90 100"), 200.0);
        assertThat(UsageForecast.warnings("t", soon, 200.0, List.of())).containsExactly("t: in use 100 of applied 200:"
                + " at the current growth (+10.0/day, linear fit of the daily peaks over 14 days) it is exhausted in"
                + " 10.0 days, around 2026-11-23; node pools counted here cannot scale past it");
        UsageForecast.Usage later = UsageForecast.of(daily("10 20 30 40"), 200.0);
        assertThat(later.daysToExhaustion()).isEqualTo(16.0);
        assertThat(UsageForecast.warnings("t", later, 200.0, List.of())).as("16 days: beyond the 14-day warning").isEmpty();
    }

    @Test
    void noWarningWithRoomAndSlowGrowth() {
        UsageForecast.Usage u = UsageForecast.of(daily("10 11 12"), 1000.0);
        assertThat(UsageForecast.warnings("t", u, 1000.0, STEPS)).isEmpty();
    }

    @Test
    void exhaustedSaysNoPoolCanAddANode() {
        UsageForecast.Usage u = UsageForecast.of(daily("128"), 128.0);
        assertThat(UsageForecast.warnings("t", u, 128.0, STEPS)).containsExactly(
                "t: in use 128 of applied 128: exhausted, no node pool counted here can add a node");
    }
}
