package io.kubechores.platform.aws;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Runs AWS calls under an {@link AwsCallPolicy}: paces them (client-side rate limit, so a run stays under the API's
 * rate) and retries throttled or 5xx calls with exponential backoff and "equal jitter" (half the window fixed, half
 * random), so parallel partitions do not retry in lock step. Thread-safe. The SDK clients built by
 * {@link AwsClientFactory} do not retry themselves, so attempts are counted here only.
 */
public final class AwsCalls {
    private static final Logger log = LoggerFactory.getLogger(AwsCalls.class);

    /** Error codes AWS uses for throttling across JSON and Query services. */
    static final Set<String> THROTTLING_CODES = Set.of("TooManyRequestsException", "ThrottlingException",
            "Throttling", "ThrottledException", "RequestLimitExceeded", "RequestThrottled",
            "RequestThrottledException", "SlowDown");

    /** Waits; tests pass a recorder instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> {
            if (!d.isZero() && !d.isNegative()) Thread.sleep(d);
        };
    }

    private final AwsCallPolicy policy;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final LongSupplier nanoTime;
    private final Object paceLock = new Object();
    private long nextSlot = Long.MIN_VALUE;

    public AwsCalls(AwsCallPolicy policy) {
        this(policy, Sleeper.REAL, ThreadLocalRandom.current(), System::nanoTime);
    }

    public AwsCalls(AwsCallPolicy policy, Sleeper sleeper, RandomGenerator random, LongSupplier nanoTime) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /** Calls op (named for logs) with pacing and retries; the last failure is rethrown unchanged. */
    public <T> T call(String op, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            pace();
            try {
                return call.get();
            } catch (AwsServiceException e) {
                if (!retryable(e) || attempt >= policy.maxAttempts()) throw e;
                Duration d = backoff(attempt);
                log.info("aws op={} attempt={} error={} retrying in {} ms", op, attempt, code(e), d.toMillis());
                sleep(d);
            }
        }
    }

    /** Throttling (any of the AWS throttling codes or HTTP 429) or a server error. */
    public static boolean retryable(AwsServiceException e) {
        return throttled(e) || e.statusCode() >= 500;
    }

    public static boolean throttled(AwsServiceException e) {
        return e.statusCode() == 429 || THROTTLING_CODES.contains(code(e));
    }

    /** The AWS error code ("__type" in JSON protocols, Error/Code in Query), or "" when unknown. */
    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    /** The backoff after a failed attempt n (1-based): window = min(max, base x 2^(n-1)); wait in [window/2, window]. */
    public Duration backoff(int failedAttempt) {
        long base = policy.baseDelay().toNanos();
        long cap = policy.maxDelay().toNanos();
        long window = base;
        for (int i = 1; i < failedAttempt && window < cap; i++) window = Math.min(cap, window * 2);
        window = Math.min(cap, window);
        long half = window / 2;
        return Duration.ofNanos(half + (half > 0 ? random.nextLong(half + 1) : 0));
    }

    private void pace() {
        double rps = policy.requestsPerSecond();
        if (rps <= 0) return;
        long interval = (long) (1_000_000_000L / rps);
        long wait;
        synchronized (paceLock) {
            long now = nanoTime.getAsLong();
            long slot = nextSlot == Long.MIN_VALUE ? now : Math.max(now, nextSlot);
            nextSlot = slot + interval;
            wait = slot - now;
        }
        if (wait > 0) sleep(Duration.ofNanos(wait));
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to call AWS", ie);
        }
    }
}
