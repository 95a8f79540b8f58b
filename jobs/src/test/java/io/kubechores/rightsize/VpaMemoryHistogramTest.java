package io.kubechores.rightsize;

import io.kubechores.model.rightsize.VpaMemoryHistogram;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The VPA recommender's memory histogram buckets (kubernetes/autoscaler vertical-pod-autoscaler
 * pkg/recommender/model/aggregations_config.go: NewExponentialHistogramOptions(1e12, 1e7, 1.+0.05, epsilon);
 * pkg/recommender/util/histogram_options.go: bucketStart(i) = firstBucketSize × (ratio^i − 1) / (ratio − 1)).
 */
class VpaMemoryHistogramTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "1, 10000000", "2, 20500000", "10, 125778925", "40, 1207997742", "50, 2093479957"})
    void bucketStarts(int bucket, long bytes) {
        assertThat(VpaMemoryHistogram.bucketStart(bucket)).isCloseTo(bytes, within(1L));
    }

    @Test
    void thePeakIsTheStartOfTheHighestWeightedBucket() {
        Map<String, Long> w = new HashMap<>(Map.of("38", 10000L, "41", 2200L, "50", 7L, "55", 0L));
        assertThat(VpaMemoryHistogram.peakBytes(w)).isCloseTo(2093479957L, within(1L));
        w.put("x", 5L); // not a bucket index: ignored
        assertThat(VpaMemoryHistogram.peakBytes(w)).isCloseTo(2093479957L, within(1L));
        assertThat(VpaMemoryHistogram.peakBytes(Map.of())).isNull();
        assertThat(VpaMemoryHistogram.peakBytes(Map.of("0", 10000L))).isNull();
        assertThat(VpaMemoryHistogram.peakBytes(null)).isNull();
    }
}
