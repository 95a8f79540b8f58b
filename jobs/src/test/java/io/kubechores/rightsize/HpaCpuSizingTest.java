package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Observation.Amount;
import io.kubechores.model.rightsize.Observation.ContainerRecommendation;
import io.kubechores.model.rightsize.Observation.HpaCpu;
import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HPA-aware CPU sizing. The HPA keeps average utilization (usage ÷ request) at its target: desiredReplicas =
 * ceil(currentReplicas × currentUtilization / targetUtilization) (Kubernetes docs, Horizontal Pod Autoscaling,
 * "Algorithm details"); while it scales, the usage a VPA sees is that set point, about target × request
 * (FairwindsOps/goldilocks#449), so only an HPA pinned at a bound says something about the request.
 */
class HpaCpuSizingTest {
    /**
     * One cluster per row. hpa: "min-max@target%:current" (current "?" = no status), "value:300m" (AverageValue),
     * "container:sidecar@50%:4" (ContainerResource on another container), "none". → wanted millicores or "-".
     */
    @ParameterizedTest(name = "{0} rec {1} live {2} → {3}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "2-10@50%:10;          450m; 500m; 900",   // pinned at max: 450 ÷ 50% = 900, no margin
            "2-10@50%:2;           100m; 500m; 200",   // pinned at min: usage below target with fewest pods → lower
            "2-10@50%:6;           250m; 500m; 500",   // scaling: 250m is the set point → hold the live request
            "2-10@50%:6;           400m; 500m; 500",   // scaling, above set point: still held (HPA is adding pods)
            "2-10@70%:?;           200m; 400m; 400",   // no status yet: hold
            "1-1@80%:1;            400m; 1;    500",   // min = max: pinned, 400 ÷ 80% = 500
            "2-10@50%:6;           250m; -;    -",     // nothing to hold: CPU left to a human
            "none;                 300m; 500m; 345",   // no HPA: recommendation + 15% margin
    })
    void oneCluster(String hpa, String rec, String live, String expected) {
        Observation o = obs("c1", hpa, rec, live);
        HpaCpuSizing.Sized s = HpaCpuSizing.size("api", List.of(o),
                new ArrayList<>(java.util.Collections.singletonList(Quantities.cpuMillis(rec))), 15);
        assertThat(s.wantMillis()).isEqualTo(expected == null ? null : Long.parseLong(expected));
        if (s.wantMillis() == null) assertThat(s.notes()).singleElement().asString().startsWith("cpu left alone");
    }

    /** Where the rule applies: a utilization target on this container's pods (not AverageValue, not another container). */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "2-10@50%:6;              true",
            "value:300m;              false",
            "container:sidecar@50%:4; false",
            "container:api@50%:4;     true",
            "none;                    false",
    })
    void applies(String hpa, boolean applies) {
        assertThat(HpaCpuSizing.applies("api", List.of(obs("c1", hpa, "300m", "500m")))).isEqualTo(applies);
    }

    /** Across clusters the max wins, so a scaling cluster's request never falls because another is pinned low. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "2-10@50%:2;  100m; 2-10@50%:6; 250m; 500",  // one pinned low (200m), one scaling (hold 500m) → 500m
            "2-10@50%:10; 450m; 2-10@50%:6; 250m; 900",  // one pinned high → raise for all
            "2-10@50%:2;  100m; none;       300m; 345",  // pinned low 200m, no-HPA cluster 345m → 345m
    })
    void acrossClusters(String hpa1, String rec1, String hpa2, String rec2, long expected) {
        List<Observation> obs = List.of(obs("c1", hpa1, rec1, "500m"), obs("c2", hpa2, rec2, "500m"));
        HpaCpuSizing.Sized s = HpaCpuSizing.size("api", obs,
                List.of(Quantities.cpuMillis(rec1), Quantities.cpuMillis(rec2)), 15);
        assertThat(s.wantMillis()).isEqualTo(expected);
    }

    static Observation obs(String cluster, String hpa, String rec, String live) {
        HpaCpu h = hpa(hpa);
        return new Observation(cluster, "web", "Deployment", "api", 3, Map.of(), Map.of(), "api", "Off",
                h == null ? null : h.hpaName(), h != null, live == null ? Map.of()
                : Map.of("api", new ResourceValues(live, "512Mi", null, null)),
                List.of(new ContainerRecommendation("api", new Amount(Quantities.cpuMillis(rec), 1L << 28), null,
                        null, null)), null, Map.of(), h, Map.of());
    }

    static HpaCpu hpa(String s) {
        if (s.equals("none")) return null;
        if (s.startsWith("value:")) {
            return new HpaCpu("api", null, null, Quantities.cpuMillis(s.substring(6)), 2, 10, 4, false);
        }
        String container = null;
        if (s.startsWith("container:")) {
            container = s.substring(10, s.indexOf('@'));
            s = "2-10" + s.substring(s.indexOf('@'));
        }
        String[] a = s.split("[-@%:]+");
        Integer current = a[3].equals("?") ? null : Integer.parseInt(a[3]);
        return new HpaCpu("api", container, Integer.parseInt(a[2]), null, Integer.parseInt(a[0]),
                Integer.parseInt(a[1]), current, false);
    }
}
