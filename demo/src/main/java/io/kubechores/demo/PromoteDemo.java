package io.kubechores.demo;

import io.kubechores.promote.YamlScalarEdit;

import io.kubechores.promote.PromoteChore;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.demo.DemoContribution;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.testkit.kube.PromoteKubeSeed;
import io.kubechores.testkit.kube.PromoteKubeSeed.Footprint;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.*;

/**
 * promote in `kubechores demo`: loki 6.16.0 was set on staging 5 days ago and runs healthy there → promoted to prod
 * (PR in the local forge; the Jenkins deploy per prod cluster waits for that PR to merge, and then runs against the
 * demo's WireMock Jenkins with the merge commit);
 * ingress-nginx 4.11.3 was set on staging 20 hours ago → refused, still soaking (72h) with the remaining time;
 * cluster-autoscaler runs the same version everywhere → nothing to do. A second run a few minutes later changes
 * nothing (PR unchanged, no second build).
 * <p>
 * The example Fleet denies promotions during the year-end freeze (2026-12-21..2027-01-04) and on Friday afternoons
 * (Europe/Berlin); the demo instant is the demo clock moved out of those windows (next weekday 10:00) if needed, and
 * every seeded time is relative to it.
 */
@Component
public class PromoteDemo implements DemoContribution {
    public static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    public static final Duration LOKI_AGE = Duration.ofDays(5);
    public static final Duration INGRESS_AGE = Duration.ofHours(20);

    @Override
    public String job() {
        return PromoteChore.NAME;
    }

    /** The demo's run instant: the clock, moved to the next weekday 10:00 Berlin when inside a freeze window. */
    public static Instant at(Clock clock) {
        ZonedDateTime t = clock.instant().atZone(BERLIN);
        while (frozen(t)) {
            t = t.plusDays(1).withHour(10).withMinute(0).withSecond(0).withNano(0);
        }
        return t.toInstant();
    }

    static boolean frozen(ZonedDateTime t) {
        LocalDate d = t.toLocalDate();
        boolean yearEnd = !d.isBefore(LocalDate.of(d.getMonthValue() == 1 ? d.getYear() - 1 : d.getYear(), 12, 21))
                && (d.getMonthValue() == 12 || d.isBefore(LocalDate.of(d.getYear(), 1, 4)));
        boolean fridayAfternoon = t.getDayOfWeek() == DayOfWeek.FRIDAY && t.getHour() >= 12;
        boolean weekend = t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
        return yearEnd || fridayAfternoon || weekend;
    }

    @Override
    public void seedCluster(Resource<ClusterSpec> cluster, KubernetesClient client, Clock clock) {
        Instant at = at(clock);
        boolean staging = "staging".equals(cluster.spec().environment());
        Instant old = at.minus(Duration.ofDays(40));
        PromoteKubeSeed.seed(client, new Footprint("monitoring", "loki", "loki", staging ? "6.16.0" : "6.12.0",
                staging ? "3.1.1" : "3.0.0", "StatefulSet", "loki", "grafana/loki:" + (staging ? "3.1.1" : "3.0.0"), 3,
                PromoteKubeSeed.Health.HEALTHY, staging ? at.minus(LOKI_AGE).plus(Duration.ofMinutes(12)) : old));
        PromoteKubeSeed.seed(client, new Footprint("ingress-nginx", "ingress-nginx", "ingress-nginx",
                staging ? "4.11.3" : "4.10.1", staging ? "1.11.3" : "1.10.1", "Deployment", "ingress-nginx-controller",
                "registry.k8s.io/ingress-nginx/controller:v" + (staging ? "1.11.3" : "1.10.1"), 2,
                PromoteKubeSeed.Health.HEALTHY, staging ? at.minus(INGRESS_AGE).plus(Duration.ofMinutes(9)) : old));
        PromoteKubeSeed.seed(client, new Footprint("kube-system", "cluster-autoscaler", "cluster-autoscaler", "9.43.2",
                "1.31.0", "Deployment", "cluster-autoscaler", "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0", 1,
                PromoteKubeSeed.Health.HEALTHY, old));
    }

    @Override
    public void stubJenkins(WireMockServer jenkins, Clock clock) {
        String job = "/job/platform/job/deploy-addon/";
        jenkins.stubFor(get("/crumbIssuer/api/json")
                .willReturn(okJson("{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumbRequestField\":\"Jenkins-Crumb\",\"crumb\":\"demo-crumb\"}")));
        jenkins.stubFor(get(urlPathEqualTo(job + "api/json")).willReturn(okJson("{\"builds\":[]}")));
        int item = 100;
        int build = 40;
        for (String cluster : List.of("prod-eu-1", "prod-us-1")) {
            for (String tool : List.of("loki", "ingress-nginx", "cluster-autoscaler")) {
                item++;
                build++;
                jenkins.stubFor(post(job + "buildWithParameters").withHeader("Jenkins-Crumb", equalTo("demo-crumb"))
                        .withRequestBody(containing("CLUSTER=" + cluster)).withRequestBody(containing("ADDON=" + tool))
                        .willReturn(aResponse().withStatus(201).withHeader("Location", jenkins.baseUrl() + "/queue/item/" + item + "/")));
                jenkins.stubFor(get("/queue/item/" + item + "/api/json").willReturn(okJson(
                        "{\"id\":" + item + ",\"why\":null,\"executable\":{\"number\":" + build + ",\"url\":\""
                                + jenkins.baseUrl() + job + build + "/\"}}")));
                jenkins.stubFor(get(job + build + "/api/json").willReturn(okJson(
                        "{\"number\":" + build + ",\"building\":false,\"result\":\"SUCCESS\"}")));
            }
        }
    }

    @Override
    public void prepareRepo(DemoRepo repo, Clock clock) {
        Instant at = at(clock);
        String loki = toolFile(repo.workTree(), "loki");
        String ingress = toolFile(repo.workTree(), "ingress-nginx");
        String lokiText = read(repo.workTree().resolve(loki));
        String ingressText = read(repo.workTree().resolve(ingress));
        repo.commit("loki 6.15.0 on staging", at.minus(Duration.ofDays(12)),
                Map.of(loki, YamlScalarEdit.replace(lokiText, "Tool", "loki", "spec.versions.staging", "6.15.0")));
        repo.commit("ingress-nginx 4.11.2 on staging", at.minus(Duration.ofDays(10)),
                Map.of(ingress, YamlScalarEdit.replace(ingressText, "Tool", "ingress-nginx", "spec.versions.staging", "4.11.2")));
        repo.commit("loki 6.16.0 on staging", at.minus(LOKI_AGE), Map.of(loki, lokiText));
        repo.commit("ingress-nginx 4.11.3 on staging", at.minus(INGRESS_AGE), Map.of(ingress, ingressText));
    }

    private static String toolFile(Path workTree, String tool) {
        for (String p : List.of("tools/" + tool + ".yaml", "example/tools/" + tool + ".yaml")) {
            if (Files.exists(workTree.resolve(p))) return p;
        }
        throw new IllegalStateException("demo repo has no tools/" + tool + ".yaml");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Step> steps(Clock clock) {
        Instant at = at(clock);
        return List.of(
                new Step("promote plan: loki soaked 5d → would promote; ingress-nginx soaking 20h of 72h → refused", at, true),
                new Step("promote: PR for loki (its Jenkins deploys wait for the merge), ingress-nginx refused", at.plusSeconds(60), false),
                new Step("promote again 10 minutes later: nothing new (PR unchanged, still waiting for its merge)", at.plusSeconds(660), false));
    }
}
