package io.kubechores.platform.aws;

import java.time.Duration;

/**
 * How kubechores calls AWS APIs: a client-side rate limit (AWS throttles per account and region) and retries with
 * exponential backoff and jitter on throttling (TooManyRequestsException, ThrottlingException, HTTP 429) and 5xx.
 *
 * @param maxAttempts       attempts per call, first one included
 * @param baseDelay         backoff before the 2nd attempt (doubles per attempt, jittered)
 * @param maxDelay          backoff ceiling
 * @param requestsPerSecond client-side pace per client set (0 or less = no pacing)
 */
public record AwsCallPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, double requestsPerSecond) {
    public AwsCallPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
        baseDelay = baseDelay == null ? Duration.ofMillis(250) : baseDelay;
        maxDelay = maxDelay == null ? Duration.ofSeconds(20) : maxDelay;
    }

    /** Production defaults: 6 attempts, 250 ms doubling up to 20 s, at most 5 requests per second. */
    public static AwsCallPolicy defaults() {
        return new AwsCallPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(20), 5);
    }
}
