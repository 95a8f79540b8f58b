package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Quantities;

/**
 * Sane steps for proposed requests, always rounding up (the margin is already added; rounding must never eat it).
 * <pre>
 * CPU (millicores)        step     memory            step
 *   up to 100m            5m         up to 128Mi     8Mi
 *   up to 1000m          25m         up to 1Gi      32Mi
 *   up to 4000m         100m         up to 8Gi     128Mi
 *   above               250m         above         512Mi
 * </pre>
 */
public final class Rounding {
    private Rounding() {}

    public static long cpuMillis(long millis) {
        long step = millis <= 100 ? 5 : millis <= 1000 ? 25 : millis <= 4000 ? 100 : 250;
        return ceil(Math.max(millis, 1), step);
    }

    public static long memoryBytes(long bytes) {
        long mi = Quantities.MI;
        long step = bytes <= 128 * mi ? 8 * mi : bytes <= 1024 * mi ? 32 * mi : bytes <= 8192 * mi ? 128 * mi : 512 * mi;
        return ceil(Math.max(bytes, 1), step);
    }

    static long ceil(long v, long step) {
        return ((v + step - 1) / step) * step;
    }
}
