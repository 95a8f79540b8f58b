package io.kubechores.platform.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pacing without sleeping (recorded waits, fake nano clock). Retries are the SDK's (AwsCallPolicy.retryStrategy, see
 * AwsRetryIT): AwsCalls itself calls once and rethrows.
 */
class AwsCallsTest {
    final List<Duration> slept = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    AwsCalls calls(AwsCallPolicy p) {
        return new AwsCalls(p, slept::add, nanos::get);
    }

    @Test
    void pacesCallsUnderTheRateLimit() {
        AwsCalls c = calls(new AwsCallPolicy(1, null, null, 5));
        for (int i = 0; i < 4; i++) c.call("op", () -> "x");
        // the fake clock stands still: each call takes the next 200 ms slot
        assertThat(slept).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(600));

        slept.clear();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        c.call("op", () -> "x");
        assertThat(slept).as("idle long enough: no wait").isEmpty();
    }

    @Test
    void callsOnceAndRethrowsUnchanged() {
        AtomicInteger attempts = new AtomicInteger();
        AwsServiceException e = AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("TooManyRequestsException").errorMessage("Rate exceeded").build()).build();
        assertThatThrownBy(() -> calls(new AwsCallPolicy(6, null, null, 0)).call("op", () -> {
            attempts.incrementAndGet();
            throw e;
        })).isSameAs(e);
        assertThat(attempts).hasValue(1);
        assertThat(AwsCalls.code(e)).isEqualTo("TooManyRequestsException");
    }
}
