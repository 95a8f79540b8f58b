package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A total deadline per Kubernetes API request, body included.
 * <p>
 * fabric8's {@code Config.requestTimeout} does not bound a whole request: the JDK client kubechores ships
 * (kubernetes-httpclient-jdk) passes it to {@code HttpRequest.Builder.timeout}, which covers the wait for the response
 * headers only (java.net.http.HttpRequest.Builder#timeout), the Vert.x client (fabric8's default, not shipped) to
 * {@code RequestOptions.setTimeout}, an idle timeout (it fires only when no byte arrives for that long), and
 * {@code StandardHttpClient.retryWithExponentialBackoff} adds a fail-safe timeout (requestTimeout + up to 5 s) to the
 * future that completes when the response <em>headers</em> arrive (fabric8io/kubernetes-client,
 * httpclient-vertx/VertxHttpClient.java and kubernetes-client-api/.../http/StandardHttpClient.java). A server that
 * answers and then sends its body at 1 byte/s therefore keeps a call going for as long as the body lasts.
 * <p>
 * This interceptor is the watchdog: when the response headers arrive it schedules the body's cancellation at the
 * request's deadline (counted from when the request was sent); the call then fails with a {@link TimeoutException}
 * naming the deadline. A body that ends in time cancels the timer.
 */
public final class RequestDeadline implements Interceptor {
    public static final String NAME = "kubechores-request-deadline";
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("kubechores-request-deadline").factory());

    private final Duration deadline;

    public RequestDeadline(Duration deadline) {
        this.deadline = deadline;
    }

    /** Marks the request's start: fabric8 calls this right before it sends the request. */
    private record Timed(AsyncBody.Consumer<List<ByteBuffer>> delegate, long startNanos)
            implements AsyncBody.Consumer<List<ByteBuffer>> {
        @Override
        public void consume(List<ByteBuffer> value, AsyncBody asyncBody) throws Exception {
            delegate.consume(value, asyncBody);
        }

        @Override
        public <U> U unwrap(Class<U> target) {
            return delegate.unwrap(target);
        }
    }

    @Override
    public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
        return new Timed(consumer, System.nanoTime());
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        if (!(response.body() instanceof AsyncBody body)) return;
        long start = consumer instanceof Timed t ? t.startNanos() : System.nanoTime();
        long left = deadline.toNanos() - (System.nanoTime() - start);
        Runnable expire = () -> {
            // fail the body first with our reason, then close the stream (cancel alone reports a bare cancellation)
            body.done().completeExceptionally(new TimeoutException(request.method() + " " + request.uri().getPath()
                    + ": no complete answer within the request deadline of " + deadline.toMillis() + " ms"));
            body.cancel();
        };
        if (left <= 0) {
            expire.run();
            return;
        }
        ScheduledFuture<?> timer = TIMER.schedule(expire, left, TimeUnit.NANOSECONDS);
        body.done().whenComplete((v, e) -> timer.cancel(false));
    }
}
