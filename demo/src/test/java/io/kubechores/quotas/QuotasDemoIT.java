package io.kubechores.quotas;

import io.kubechores.demo.QuotasDemo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.kubechores.core.Action;
import io.kubechores.core.ChoreRunner;
import io.kubechores.demo.DemoContribution;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.aws.AwsCallPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quotas demo contribution, run the way `kubechores demo` runs it: the example fleet against the contribution's
 * WireMock stubs. Step 1 plans, step 2 files exactly the five increase requests (a sixth is deferred by the 2-per-Region limit), step 3 files nothing new.
 */
class QuotasDemoIT {
    static final Path EXAMPLE = Path.of("../repo-layout/example");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T09:00:00Z"), ZoneOffset.UTC);

    WireMockServer wm;
    @TempDir
    Path out;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    @Test
    void demoPlansThenFilesTheIncreasesThenFilesNothingNew() throws Exception {
        QuotasDemo demo = new QuotasDemo();
        demo.stubAws(wm, CLOCK);
        DesiredState state = new DesiredStateLoader().load(EXAMPLE, "working-tree");
        int maxChanges = state.fleetSpec().job("quotas").maxChangesPerRun();
        List<DemoContribution.Step> steps = demo.steps(CLOCK);
        assertThat(steps).extracting(DemoContribution.Step::dryRun).containsExactly(true, false, false);

        ChoreRunner.Outcome<?> plan = run(state, steps.get(0), maxChanges);
        assertThat(plan.exitCode()).isZero();
        Map<String, String> planned = byTarget(plan);
        assertThat(planned).containsExactlyInAnyOrderEntriesOf(expectedPlan("PLANNED"));
        assertThat(requests()).isEmpty();
        assertThat(Files.readString(out.resolve("step-0/quotas-report.txt")))
                .contains("5 increase requests planned (2 capped by maxIncreaseFactor), 3 awaiting an earlier request, 1 for a human, 3 sufficient, 1 deferred by AWS's active-request limits")
                .contains("no AWS Support plan")
                .doesNotContain("DescribeInstanceTypes failed");
        assertThat(Files.readString(out.resolve("step-0/quotas-report.md")))
                .contains("case 17654321002: pending-customer-action — latest 2026-11-23T09:00:00Z: \"Hello, to approve 480 vCPUs");

        ChoreRunner.Outcome<?> file = run(state, steps.get(1), maxChanges);
        assertThat(byTarget(file)).containsExactlyInAnyOrderEntriesOf(expectedPlan("APPLIED"));
        assertThat(requests()).containsExactlyInAnyOrder(
                "111111111111 eu-central-1 ec2/L-34B43A08 256",
                "111111111111 eu-central-1 elasticloadbalancing/L-53DA6B97 72",
                "111111111111 us-east-1 ec2/L-DB2E81BA 39",
                "222222222222 eu-central-1 ec2/L-1216C47A 1152",
                "222222222222 us-east-1 elasticloadbalancing/L-53DA6B97 40");

        wm.resetRequests();
        ChoreRunner.Outcome<?> again = run(state, steps.get(2), maxChanges);
        assertThat(again.exitCode()).isZero();
        assertThat(requests()).as("the second run files nothing").isEmpty();
        assertThat(again.allActions()).noneMatch(a -> a.verb().equals("request-increase"));
        assertThat(again.allActions()).filteredOn(a -> a.verb().equals("await-request")).hasSize(8);
        // still deferred: the region holds the support case and yesterday's ALB request (2 active, AWS's limit)
        assertThat(byTarget(again)).containsEntry("222222222222/us-east-1/ec2/L-0263D0A3",
                "request-deferred LIMITED 8 → 12");
    }

    /** target → "verb STATUS detail-prefix" of the example fleet's plan. */
    static Map<String, String> expectedPlan(String filedStatus) {
        Map<String, String> m = new TreeMap<>();
        m.put("111111111111/eu-central-1/ec2/L-1216C47A", "none UNCHANGED");
        m.put("111111111111/eu-central-1/ec2/L-34B43A08", "request-increase " + filedStatus + " 128 → 256 (wanted 288, capped)");
        m.put("111111111111/eu-central-1/elasticloadbalancing/L-53DA6B97", "request-increase " + filedStatus + " 50 → 72");
        m.put("111111111111/us-east-1/ec2/L-1216C47A", "none UNCHANGED");
        m.put("111111111111/us-east-1/ec2/L-DB2E81BA", "request-increase " + filedStatus + " 32 → 39");
        m.put("111111111111/us-east-1/elasticloadbalancing/L-53DA6B97", "await-request SKIPPED");
        m.put("222222222222/eu-central-1/ec2/L-0263D0A3", "ask-human SKIPPED");
        m.put("222222222222/eu-central-1/ec2/L-1216C47A", "request-increase " + filedStatus + " 640 → 1152");
        m.put("222222222222/eu-central-1/ec2/L-34B43A08", "await-request SKIPPED");
        m.put("222222222222/eu-central-1/elasticloadbalancing/L-53DA6B97", "none UNCHANGED");
        // AWS allows 2 active requests per Region: the support case + the more urgent ALB request fill us-east-1
        m.put("222222222222/us-east-1/ec2/L-0263D0A3", "request-deferred LIMITED 8 → 12");
        m.put("222222222222/us-east-1/ec2/L-1216C47A", "await-request SKIPPED");
        m.put("222222222222/us-east-1/elasticloadbalancing/L-53DA6B97", "request-increase " + filedStatus + " 20 → 40 (wanted 72, capped)");
        return m;
    }

    static Map<String, String> byTarget(ChoreRunner.Outcome<?> o) {
        Map<String, String> m = new TreeMap<>();
        for (Action a : o.allActions()) {
            String d = a.verb().startsWith("request-") ? " " + a.detail().split(" — ")[0] : "";
            m.put(a.target(), a.verb() + " " + a.status() + d);
        }
        return m;
    }

    private int step;

    ChoreRunner.Outcome<?> run(DesiredState state, DemoContribution.Step s, int maxChanges) throws Exception {
        // as the demo runs it: instance data from the stubbed EC2 DescribeInstanceTypes
        QuotasChore chore = new QuotasChore(new AwsCallPolicy(3, Duration.ofMillis(2), Duration.ofMillis(10), 0),
                InstanceTypes.shipped(), ActiveRequests.Limits.AWS, true);
        var ctx = QuotasFixtures.context(state, QuotasFixtures.platform(wm.baseUrl()), s.dryRun(),
                new SafetyLimit(maxChanges), new QuotasFixtures.Audit(), out.resolve("step-" + step++));
        ctx = new io.kubechores.core.ChoreContext(ctx.job(), ctx.state(), ctx.platform(),
                Clock.fixed(s.at(), ZoneOffset.UTC), ctx.dryRun(), ctx.limit(), ctx.audit(), ctx.outputDir());
        return ChoreRunner.run(chore, ctx, 4);
    }

    /** RequestServiceQuotaIncrease calls as "account region service/quota value" (account from the signing key). */
    List<String> requests() throws Exception {
        ObjectMapper json = new ObjectMapper();
        var found = wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("ServiceQuotasV20190624.RequestServiceQuotaIncrease")));
        List<String> out = new java.util.ArrayList<>();
        for (var r : found) {
            JsonNode b = json.readTree(r.getBodyAsString());
            String auth = r.getHeader("Authorization");
            String scope = auth.substring(auth.indexOf("Credential=") + "Credential=ASIA".length());
            String[] parts = scope.split("/");
            out.add(parts[0] + " " + parts[2] + " " + b.get("ServiceCode").asText() + "/" + b.get("QuotaCode").asText()
                    + " " + Math.round(b.get("DesiredValue").asDouble()));
        }
        return out;
    }
}
