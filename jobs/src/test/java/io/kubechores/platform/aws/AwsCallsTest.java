package io.kubechores.platform.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pacing and retries with jittered exponential backoff, without sleeping (recorded waits, fake nano clock). */
class AwsCallsTest {
    final List<Duration> slept = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    AwsCalls calls(AwsCallPolicy p, long seed) {
        return new AwsCalls(p, slept::add, new Random(seed), nanos::get);
    }

    static AwsServiceException error(int status, String code) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @ParameterizedTest(name = "{0} {1} retried: {2}")
    @CsvSource({
            "400, TooManyRequestsException, true",
            "400, ThrottlingException, true",
            "400, Throttling, true",
            "429, '', true",
            "500, ServiceException, true",
            "503, '', true",
            "400, AccessDeniedException, false",
            "400, ResourceAlreadyExistsException, false",
            "400, IllegalArgumentException, false",
            "400, QuotaExceededException, false",
            "403, AccessDenied, false",
    })
    void retriesOnlyThrottlingAndServerErrors(int status, String code, boolean retried) {
        AtomicInteger attempts = new AtomicInteger();
        AwsCalls c = calls(new AwsCallPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(5), 0), 1);

        assertThatThrownBy(() -> c.call("op", () -> {
            attempts.incrementAndGet();
            throw error(status, code);
        })).isInstanceOf(AwsServiceException.class);

        assertThat(attempts.get()).isEqualTo(retried ? 4 : 1);
        assertThat(slept).hasSize(retried ? 3 : 0);
    }

    @Test
    void succeedsAfterThrottlingWithDoublingJitteredWaitsUnderTheCap() {
        AtomicInteger attempts = new AtomicInteger();
        AwsCalls c = calls(new AwsCallPolicy(6, Duration.ofMillis(100), Duration.ofMillis(500), 0), 7);

        String r = c.call("op", () -> {
            if (attempts.incrementAndGet() < 6) throw error(400, "TooManyRequestsException");
            return "ok";
        });

        assertThat(r).isEqualTo("ok");
        long[] windows = {100, 200, 400, 500, 500};
        assertThat(slept).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(slept.get(i).toNanos()).as("wait %d", i)
                    .isBetween(Duration.ofMillis(windows[i]).toNanos() / 2, Duration.ofMillis(windows[i]).toNanos());
        }
    }

    @Test
    void jitterSpreadsRetriesOfParallelCallers() {
        AwsCallPolicy p = new AwsCallPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), 0);
        List<Duration> waits = new ArrayList<>();
        for (long seed = 1; seed <= 8; seed++) waits.add(calls(p, seed).backoff(3));
        assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)));
        assertThat(waits.stream().distinct().count()).isGreaterThan(4);
    }

    @Test
    void pacesCallsUnderTheRateLimit() {
        AwsCalls c = calls(new AwsCallPolicy(1, null, null, 5), 1);
        for (int i = 0; i < 4; i++) c.call("op", () -> "x");
        // the fake clock stands still: each call takes the next 200 ms slot
        assertThat(slept).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(600));

        slept.clear();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        c.call("op", () -> "x");
        assertThat(slept).as("idle long enough: no wait").isEmpty();
    }
}
