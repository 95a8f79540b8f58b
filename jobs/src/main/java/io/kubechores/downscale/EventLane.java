package io.kubechores.downscale;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The Events of a cluster's changes, sent beside the PATCH pipeline instead of inside it (issue 15: a change held its
 * PATCH slot until its Event POST answered, so every change cost two round trips on the critical path). Each applied
 * change submits exactly one Event after its PATCH answered; at most {@code maxInFlight} are in flight, the rest wait
 * in a queue that holds at most one entry per change of the run; {@link #drained()} completes once every submitted
 * Event has been answered (or failed), so the partition still ends with all its Events recorded.
 * <p>
 * Each finished Event starts the next from the thread that received its answer (as the PATCH pipeline does), so no
 * thread is held per Event. A failure is the sender's to log; it never fails the change (the PATCH went through).
 */
final class EventLane {
    private final int maxInFlight;
    private final ConcurrentLinkedQueue<Supplier<CompletableFuture<?>>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Submitted and not yet answered (queued + in flight). */
    private final AtomicInteger pending = new AtomicInteger();
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private volatile boolean closed;

    EventLane(int maxInFlight) {
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1");
        this.maxInFlight = maxInFlight;
    }

    /** Queues one Event; {@code send} starts its request and must not block (it runs on an I/O thread too). */
    void submit(Supplier<CompletableFuture<?>> send) {
        pending.incrementAndGet();
        queue.add(send);
        pump();
    }

    /** Starts queued Events while fewer than maxInFlight are in flight. */
    private void pump() {
        while (true) {
            int n = inFlight.get();
            if (n >= maxInFlight || queue.isEmpty()) return;
            if (!inFlight.compareAndSet(n, n + 1)) continue;
            Supplier<CompletableFuture<?>> next = queue.poll();
            if (next == null) {
                inFlight.decrementAndGet();
                // another thread took it; if one was added meanwhile, loop and start it
                continue;
            }
            CompletableFuture<?> sent;
            try {
                sent = next.get();
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            if (sent.isDone()) { // answered (or refused) at once: no recursion through whenComplete
                inFlight.decrementAndGet();
                done();
                continue;
            }
            sent.whenComplete((v, e) -> {
                inFlight.decrementAndGet();
                done();
                pump();
            });
        }
    }

    private void done() {
        if (pending.decrementAndGet() == 0 && closed) idle.complete(null);
    }

    /**
     * No more submissions: completes when every submitted Event has been answered (at once when there were none).
     * Call after every change's PATCH has answered.
     */
    CompletableFuture<Void> drained() {
        closed = true;
        if (pending.get() == 0) idle.complete(null);
        return idle;
    }

    /** Submitted Events not yet answered (for tests). */
    int pending() {
        return pending.get();
    }
}
