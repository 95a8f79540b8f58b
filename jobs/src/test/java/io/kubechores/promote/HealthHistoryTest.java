package io.kubechores.promote;

import io.kubechores.promote.HealthHistory.ClusterSample;
import io.kubechores.promote.HealthHistory.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sampled health history behind "soak = time healthy". */
class HealthHistoryTest {
    static final Instant T = Instant.parse("2026-11-24T00:00:00Z");

    static Map<String, ClusterSample> sample(String spec) {
        // "eu=6.16.0+,us=6.16.0-" : + healthy, - unhealthy
        Map<String, ClusterSample> m = new java.util.LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.split("=");
            boolean healthy = kv[1].endsWith("+");
            m.put(kv[0], new ClusterSample(kv[1].substring(0, kv[1].length() - 1), healthy, healthy ? null : "CrashLoopBackOff"));
        }
        return m;
    }

    static List<Span> history(String... samples) {
        List<Span> h = new ArrayList<>();
        for (int i = 0; i < samples.length; i++) h = HealthHistory.append(h, T.plusSeconds(3600L * i), sample(samples[i]));
        return h;
    }

    @Test
    void identicalSamplesFoldIntoOneSpan() {
        List<Span> h = history("eu=1.0.0+,us=1.0.0+", "eu=1.0.0+,us=1.0.0+", "eu=1.0.0+,us=1.0.0-", "eu=1.0.0+,us=1.0.0+");
        assertThat(h).extracting(Span::from, Span::to, Span::samples).containsExactly(
                org.assertj.core.groups.Tuple.tuple(T, T.plusSeconds(3600), 2),
                org.assertj.core.groups.Tuple.tuple(T.plusSeconds(7200), T.plusSeconds(7200), 1),
                org.assertj.core.groups.Tuple.tuple(T.plusSeconds(10800), T.plusSeconds(10800), 1));
        assertThat(HealthHistory.append(h, T.plusSeconds(10800), sample("eu=1.0.0-"))).as("same instant: no new sample").isEqualTo(h);
    }

    /** hours = index of the sample; healthySince is the first sample after the last bad one for those clusters. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            always healthy                      | eu=2.0.0+;eu=2.0.0+;eu=2.0.0+  | eu    | -
            unhealthy in the middle             | eu=2.0.0+;eu=2.0.0-;eu=2.0.0+  | eu    | 2
            unhealthy now                       | eu=2.0.0+;eu=2.0.0-            | eu    | MAX
            old version before the rollout      | eu=1.0.0+;eu=2.0.0+;eu=2.0.0+  | eu    | 1
            another cluster's trouble is not ours | eu=2.0.0+,us=2.0.0-;eu=2.0.0+,us=2.0.0+ | eu | -
            unreadable cluster says nothing     | eu=2.0.0+;us=2.0.0+;eu=2.0.0+  | eu    | -
            """)
    void healthySince(String name, String samples, String clusters, String expected) {
        Instant since = HealthHistory.healthySince(history(samples.split(";")), List.of(clusters.split(",")), "2.0.0");
        if (expected == null) assertThat(since).isNull();
        else if (expected.equals("MAX")) assertThat(since).isEqualTo(Instant.MAX);
        else assertThat(since).isEqualTo(T.plusSeconds(3600L * Integer.parseInt(expected)));
    }

    @Test
    void timelineMergesEqualStatesAndIsClippedAtTheCutOff() {
        List<Span> h = history("eu=2.0.0+,us=2.0.0+", "eu=2.0.0-,us=2.0.0+", "eu=2.0.0+,us=2.0.0+", "eu=2.0.0+,us=2.0.0-",
                "eu=2.0.0+,us=2.0.0+");
        assertThat(HealthHistory.timeline(h, List.of("eu"), T.plusSeconds(3 * 3600 + 600)))
                .extracting(e -> e.from() + " – " + e.to() + ": " + e.state()).containsExactly(
                        "2026-11-24T00:00:00Z – 2026-11-24T00:00:00Z: healthy on 2.0.0",
                        "2026-11-24T01:00:00Z – 2026-11-24T01:00:00Z: UNHEALTHY on 2.0.0: eu CrashLoopBackOff",
                        "2026-11-24T02:00:00Z – 2026-11-24T03:00:00Z: healthy on 2.0.0");
    }

    @Test
    void keepsAtMostMaxSpans() {
        List<Span> h = new ArrayList<>();
        for (int i = 0; i < HealthHistory.MAX_SPANS + 20; i++) {
            h = HealthHistory.append(h, T.plusSeconds(60L * i), sample(i % 2 == 0 ? "eu=1.0.0+" : "eu=1.0.0-"));
        }
        assertThat(h).hasSize(HealthHistory.MAX_SPANS);
        assertThat(h.getLast().from()).isEqualTo(T.plusSeconds(60L * (HealthHistory.MAX_SPANS + 19)));
    }
}
