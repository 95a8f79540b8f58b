package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Observation.ContainerRuntime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory floors and the JVM rule. The limit floor after an OOM kill is the VPA recommender's own bump
 * (kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model/container.go: OOMBumpUpRatio 1.2,
 * OOMMinBumpUp 100MB): max(L × 1.2, L + 100Mi).
 */
class MemorySafetyTest {
    static final long MI = 1024L * 1024;

    /** peak Mi; OOM-killed limit Mi; heap flags; jvmMemory; policy max Mi → leaveAlone?, request floor Mi, limit floor. */
    @ParameterizedTest(name = "{0}/{1}/{2}/{3} → {5} {6} {7}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "300; -;    -;                  leave; 8192; false; 300;  0",
            "-;   512;  -;                  leave; 8192; false; 512;  614.4",   // 512 × 1.2 > 512 + 100
            "-;   256;  -;                  leave; 8192; false; 256;  356",     // 256 + 100 > 256 × 1.2
            "498; 512;  -;                  leave; 8192; false; 512;  614.4",
            "-;   -;    JAVA_OPTS: -Xmx1g;  leave; 8192; true;  1024; 0",       // a human decides
            "600; -;    JAVA_OPTS: -Xmx1g;  size;  8192; false; 1024; 0",       // sized, never below -Xmx
            "-;   -;    JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75; size; 8192; false; 0; 0",
            "900; -;    -;                  leave; 512;  true;  900;  0",       // floor above the cap
            "-;   -;    -;                  leave; 8192; false; 0;    0",
    })
    void verdict(Long peakMi, Long oomMi, String heap, String jvmMemory, long maxMi, boolean leaveAlone,
                 double requestFloorMi, double limitFloorMi) {
        Observation o = new Observation("c1", "web", "Deployment", "api", 3, Map.of(), Map.of(), "api", "Off", null,
                false, Map.of(), List.of(), null, Map.of(), null, Map.of("api", new ContainerRuntime(
                peakMi == null ? null : peakMi * MI, oomMi == null ? null : oomMi * MI,
                oomMi == null ? null : "2026-11-23T18:42:10Z", oomMi == null ? 0 : 3, heap)));
        MemorySafety.Verdict v = MemorySafety.judge("api", List.of(o), jvmMemory, maxMi * MI);
        assertThat(v.leaveAlone() != null).isEqualTo(leaveAlone);
        if (!leaveAlone || heap == null) assertThat(v.requestFloor()).isEqualTo((long) (requestFloorMi * MI));
        assertThat(v.limitFloor()).isEqualTo((long) Math.ceil(limitFloorMi * MI));
        if (leaveAlone && heap != null) assertThat(v.leaveAlone()).startsWith("memory left to a human: JVM heap flags"
                + " (c1: " + heap + ")");
    }

    /** Another container's runtime is not this container's floor. */
    @ParameterizedTest
    @CsvSource({"api, 400", "envoy, 0"})
    void perContainer(String container, long floorMi) {
        Observation o = new Observation("c1", "web", "Deployment", "api", 3, Map.of(), Map.of(), "api", "Off", null,
                false, Map.of(), List.of(), null, Map.of(), null,
                Map.of("api", new ContainerRuntime(400 * MI, null, null, 0, null)));
        assertThat(MemorySafety.judge(container, List.of(o), "leave", null).requestFloor()).isEqualTo(floorMi * MI);
    }
}
