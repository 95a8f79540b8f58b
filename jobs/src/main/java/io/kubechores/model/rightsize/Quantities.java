package io.kubechores.model.rightsize;

import io.kubechores.model.rightsize.Quantities;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities as plain numbers: CPU in millicores, memory in bytes. Parsing (fabric8's Quantity)
 * accepts every form the API server and VPA recommender emit ("250m", "1", "0.5", "1500u", "128Mi", "1Gi", "262144k", "129e6",
 * "1101659620m"); formatting produces the forms people write in manifests ("250m", "2", "768Mi", "1Gi").
 */
public final class Quantities {
    public static final long MI = 1024L * 1024L;
    public static final long GI = 1024L * MI;

    private Quantities() {}

    /** CPU in millicores, rounded up; null for null/blank. */
    public static Long cpuMillis(String q) {
        BigDecimal v = parse(q);
        if (v == null) return null;
        return v.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Memory in bytes, rounded up; null for null/blank. */
    public static Long memoryBytes(String q) {
        BigDecimal v = parse(q);
        if (v == null) return null;
        return v.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /**
     * The quantity as a decimal in base units (cores, bytes), parsed by fabric8's {@link Quantity} (the client's
     * port of apimachinery's resource.Quantity: decimal SI, binary SI and exponent forms). Negative values are
     * refused: the API server rejects negative requests and limits.
     */
    public static BigDecimal parse(String raw) {
        if (raw == null || raw.isBlank()) return null;
        BigDecimal v;
        try {
            v = Quantity.getAmountInBytes(new Quantity(raw.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Kubernetes quantity: '" + printable(raw) + "'");
        }
        if (v.signum() < 0) throw new IllegalArgumentException("negative quantity: '" + printable(raw) + "'");
        return v;
    }

    /** At most 40 characters of a value from an untrusted file, for a message. */
    private static String printable(String raw) {
        String s = raw.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /**
     * CPU as written in manifests: whole cores as "2" unless the original value was written in millicores
     * ("2000m" stays in millicores), otherwise "250m".
     */
    public static String formatCpu(long millis, String original) {
        boolean millicoreStyle = original != null && original.trim().endsWith("m");
        if (millis % 1000 == 0 && millis > 0 && !millicoreStyle) return Long.toString(millis / 1000);
        return millis + "m";
    }

    /** Memory as written in manifests: whole GiB as "2Gi", otherwise whole MiB as "768Mi" (bytes when smaller). */
    public static String formatMemory(long bytes) {
        if (bytes > 0 && bytes % GI == 0) return bytes / GI + "Gi";
        if (bytes % MI == 0) return bytes / MI + "Mi";
        return Long.toString(bytes);
    }

    /** Human form for evidence tables (VPA values are rarely round): "1.2 cores" is not used; "1234m" / "300Mi". */
    public static String describeCpu(Long millis) {
        return millis == null ? "—" : millis + "m";
    }

    public static String describeMemory(Long bytes) {
        if (bytes == null) return "—";
        long mi = (bytes + MI - 1) / MI;
        return mi + "Mi";
    }
}
