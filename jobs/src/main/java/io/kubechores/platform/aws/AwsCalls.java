package io.kubechores.platform.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs AWS calls under an {@link AwsCallPolicy}'s client-side rate limit, so a run stays under the API's rate (AWS
 * throttles per account and region). Retries are the SDK's own: the clients built by {@link AwsClientFactory} carry
 * {@link AwsCallPolicy#retryStrategy()} (the standard strategy with AWS's retry conditions), so a throttled call is
 * retried inside {@code call.get()} and only its final outcome reaches here. Thread-safe.
 */
public final class AwsCalls {
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
    private final LongSupplier nanoTime;
    private final Object paceLock = new Object();
    private long nextSlot = Long.MIN_VALUE;

    public AwsCalls(AwsCallPolicy policy) {
        this(policy, Sleeper.REAL, System::nanoTime);
    }

    public AwsCalls(AwsCallPolicy policy, Sleeper sleeper, LongSupplier nanoTime) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    /** Calls op (named for logs) once it is its turn under the rate limit; a failure is rethrown unchanged. */
    public <T> T call(String op, Supplier<T> call) {
        pace();
        return call.get();
    }

    /** The AWS error code ("__type" in JSON protocols, Error/Code in Query), or "" when unknown. */
    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
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
        if (wait > 0) {
            try {
                sleeper.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to call AWS", ie);
            }
        }
    }
}
