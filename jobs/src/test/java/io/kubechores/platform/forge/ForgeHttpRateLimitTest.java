package io.kubechores.platform.forge;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which forge answers are rate limits and how long they ask to wait (GitHub and GitLab REST docs). */
class ForgeHttpRateLimitTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z"); // epoch 1796119200

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # status | headers (name=value;...)                                  | wait seconds (empty: not a rate limit)
            200      |                                                            |
            404      |                                                            |
            403      |                                                            |
            # a plain 403 with requests left is a permission problem, not a limit
            403      | x-ratelimit-remaining=12                                   |
            # GitHub secondary limit: retry-after wins
            403      | retry-after=7                                              | 7
            403      | retry-after=7;x-ratelimit-remaining=0;x-ratelimit-reset=1796122800 | 7
            # GitHub primary limit: until the reset (+1 s)
            403      | x-ratelimit-remaining=0;x-ratelimit-reset=1796119230       | 31
            429      | x-ratelimit-remaining=0;x-ratelimit-reset=1796122800       | 3601
            # a reset already past: retry at once (1 s)
            403      | x-ratelimit-remaining=0;x-ratelimit-reset=1796119100       | 1
            # GitLab: 429 with Retry-After, or RateLimit-Reset
            429      | retry-after=60                                             | 60
            429      | ratelimit-reset=1796119260                                 | 61
            # HTTP-date form of Retry-After
            429      | retry-after=Tue, 01 Dec 2026 10:00:45 GMT                  | 45
            # no hint: GitHub says wait at least a minute
            429      |                                                            | 60
            403      | x-ratelimit-remaining=0                                    | 60
            429      | retry-after=soon                                           | 60
            """)
    void rateLimitWaits(int status, String headers, Long seconds) {
        Optional<Duration> wait = ForgeHttp.rateLimitWait(status, headers(headers), NOW);
        if (seconds == null) {
            assertThat(wait).isEmpty();
        } else {
            assertThat(wait).hasValue(Duration.ofSeconds(seconds));
        }
    }

    static HttpHeaders headers(String spec) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (spec != null) {
            Arrays.stream(spec.split(";(?=[a-z-]+=)")).map(String::trim).filter(h -> !h.isEmpty()).forEach(h -> {
                int eq = h.indexOf('=');
                map.put(h.substring(0, eq), List.of(h.substring(eq + 1)));
            });
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }
}
