package io.kubechores.platform.aws;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

import java.time.Duration;

/**
 * How kubechores calls AWS APIs: a client-side rate limit (AWS throttles per account and region; {@link AwsCalls}
 * paces) and the SDK's own standard retry strategy (AWS's throttling codes such as TooManyRequestsException,
 * ThrottlingException, 429, 5xx and transient I/O errors are retried; the retry-quota circuit breaker stays on) with
 * exponential backoff and half jitter, so parallel partitions do not retry in lock step.
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

    /**
     * The SDK retry strategy of this policy: AwsRetryStrategy.standardRetryStrategy() (the AWS retry conditions)
     * with maxAttempts and exponentialDelayHalfJitter(baseDelay, maxDelay) for both errors and throttling.
     */
    public RetryStrategy retryStrategy() {
        BackoffStrategy backoff = BackoffStrategy.exponentialDelayHalfJitter(baseDelay, maxDelay);
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts)
                .backoffStrategy(backoff).throttlingBackoffStrategy(backoff).build();
    }

    /** Production defaults: 6 attempts, 250 ms doubling up to 20 s, at most 5 requests per second. */
    public static AwsCallPolicy defaults() {
        return new AwsCallPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(20), 5);
    }
}
