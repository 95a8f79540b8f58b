package io.kubechores.model.rightsize;

import java.util.Map;

/**
 * The recent memory peak a VPA recommender has seen, read from its VerticalPodAutoscalerCheckpoint
 * ({@code status.memoryHistogram.bucketWeights}: bucket index → weight).
 * <p>
 * Facts from kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model/aggregations_config.go and
 * pkg/recommender/util/histogram_options.go: memory histograms are exponential with a first bucket of 1e7 bytes
 * (10 MB), a growth of 5% per bucket ({@code HistogramBucketSizeGrowth = 0.05}) and a maximum of 1e12 bytes;
 * bucket i starts at {@code firstBucketSize × (ratio^i − 1) / (ratio − 1)} (bucket 0 at 0). The recommender feeds the
 * memory histogram with each aggregation interval's peak and decays weights with a 24 h half-life; a checkpoint keeps
 * only buckets whose weight survives its rounding, so the highest bucket left is a peak of the last days, not of all
 * time. The start of that bucket is a lower bound of the peak (the peak was at least that much).
 */
public final class VpaMemoryHistogram {
    static final double FIRST_BUCKET_BYTES = 1e7;
    static final double RATIO = 1.05;

    private VpaMemoryHistogram() {}

    /** Start of bucket {@code i} in bytes. */
    public static long bucketStart(int i) {
        if (i <= 0) return 0;
        return (long) Math.floor(FIRST_BUCKET_BYTES * (Math.pow(RATIO, i) - 1) / (RATIO - 1));
    }

    /** The start of the highest bucket with a positive weight, or null when the histogram is empty or unreadable. */
    public static Long peakBytes(Map<String, Long> bucketWeights) {
        if (bucketWeights == null) return null;
        int top = -1;
        for (var e : bucketWeights.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0) continue;
            try {
                top = Math.max(top, Integer.parseInt(e.getKey().trim()));
            } catch (NumberFormatException ignored) {
                // not a bucket index: skip it rather than guess
            }
        }
        return top <= 0 ? null : bucketStart(top);
    }
}
