package io.kubechores.promote;

import java.time.Instant;

/**
 * A promotion window from the Fleet (spec.freezeWindows): Deny windows forbid promotions inside them, Allow windows
 * (when any exist) are the only times promotions may happen.
 *
 * @param name  shown in the gate's reason
 * @param allow true for type Allow
 * @param span  when the window is on
 * @param text  how the window was written ("Fri 12:00-24:00 Europe/Berlin", "2026-12-21T00:00..2027-01-04T00:00 Europe/Berlin")
 */
public record FreezeWindow(String name, boolean allow, Span span, String text) {
    /** When a window is on. Implemented by the shared schedule grammar and by absolute start/end windows. */
    @FunctionalInterface
    public interface Span {
        boolean contains(Instant instant);
    }
}
