package io.kubechores.report;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streaming read of an audit line's keys gives what the full parse gives, and never a nested value. */
class JsonLineFieldsTest {
    @Test
    void readsTheTopLevelScalarsAsTheFullParseDoes() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", "2026-12-05T01:00:00Z");
        line.put("run", "20261205T010000Z-run-abc");
        line.put("detail", Map.of("run", "nested, not this one", "seq", 99));
        line.put("seq", 42);
        line.put("phase", "intent");
        line.put("job", null);
        line.put("reason", "quotes \" and \\n escapes");
        String json = Reports.jsonLine(line);
        Map<String, String> f = Reports.jsonLineFields(json, Set.of("run", "seq", "phase", "job", "reason"));
        Map<String, Object> full = Reports.parseJsonLine(json);
        assertThat(f).containsExactlyInAnyOrderEntriesOf(Map.of("run", "20261205T010000Z-run-abc", "seq", "42",
                "phase", "intent", "reason", "quotes \" and \\n escapes"));
        assertThat(f.get("seq")).isEqualTo(String.valueOf(full.get("seq")));
    }

    @Test
    void aTornLineThrowsAndABlankOneIsEmpty() {
        assertThatThrownBy(() -> Reports.jsonLineFields("{\"run\":\"r\",\"seq\":1,\"pha", Set.of("run")))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(Reports.jsonLineFields("  ", Set.of("run"))).isEmpty();
    }
}
