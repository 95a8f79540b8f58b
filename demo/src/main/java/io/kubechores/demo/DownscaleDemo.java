package io.kubechores.demo;

import io.kubechores.downscale.DownscaleChore;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.demo.DemoContribution;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.testkit.kube.DownscaleDemoSeed;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;

/**
 * The downscale part of `kubechores demo`: staging clusters get a small shop (every kind, an excluded workload, a
 * typo in an annotation, an Argo CD-managed Deployment), prod gets a Deployment no policy selects. Steps: the plan
 * at night, the night run (scale down), the next morning at 08:00 (restore, high-priority wave first).
 */
@Component
public class DownscaleDemo implements DemoContribution {
    public static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Override
    public String job() {
        return DownscaleChore.NAME;
    }

    @Override
    public void seedCluster(Resource<ClusterSpec> cluster, KubernetesClient client, Clock clock) {
        var created = clock.instant().minus(Duration.ofDays(30));
        if ("staging".equals(cluster.spec().environment())) {
            DownscaleDemoSeed.seed(client, "demo/downscale/keda-crd.yaml", created);
            DownscaleDemoSeed.seed(client, "demo/downscale/staging-workloads.yaml", created);
            if (cluster.name().equals("staging-eu-1")) {
                DownscaleDemoSeed.seed(client, "demo/downscale/rollouts.yaml", created);
            }
        } else {
            DownscaleDemoSeed.seed(client, "demo/downscale/prod-workloads.yaml", created);
        }
    }

    @Override
    public List<Step> steps(Clock clock) {
        ZonedDateTime night = nextWorkNight(clock);
        ZonedDateTime morning = night.plusDays(1).with(LocalTime.of(8, 0));
        return List.of(
                new Step("plan at night (" + label(night) + ")", night.toInstant(), true),
                new Step("night (" + label(night) + "): scale down", night.toInstant(), false),
                new Step("same minute again: nothing to do", night.plusSeconds(30).toInstant(), false),
                new Step("morning (" + label(morning) + "): restore", morning.toInstant(), false));
    }

    /** The example fleet's holidays (fleet.yaml), as month-day: no restore happens on such a morning. */
    private static final java.util.Set<java.time.MonthDay> EXAMPLE_HOLIDAYS = java.util.Set.of(
            java.time.MonthDay.of(12, 24), java.time.MonthDay.of(12, 25), java.time.MonthDay.of(12, 26),
            java.time.MonthDay.of(1, 1));

    /**
     * The next Monday-Thursday 22:00 Europe/Berlin after the clock whose next morning is a working day (not one of
     * the example fleet's holidays), so the demo's morning step shows a restore whatever the date.
     */
    public static ZonedDateTime nextWorkNight(Clock clock) {
        ZonedDateTime t = clock.instant().atZone(BERLIN).with(LocalTime.of(22, 0));
        if (!t.toInstant().isAfter(clock.instant())) t = t.plusDays(1);
        while (t.getDayOfWeek().getValue() > DayOfWeek.THURSDAY.getValue()
                || EXAMPLE_HOLIDAYS.contains(java.time.MonthDay.from(t.plusDays(1)))) {
            t = t.plusDays(1);
        }
        return t;
    }

    private static String label(ZonedDateTime t) {
        return t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " " + t.toLocalDate() + " "
                + t.toLocalTime() + " Europe/Berlin";
    }
}
