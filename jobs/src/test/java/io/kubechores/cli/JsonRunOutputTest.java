package io.kubechores.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubechores.core.Action;
import io.kubechores.runner.ChoreLauncher;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `--output json` gives each action as fields (cluster, namespace, kind, name, from, to, reason), as KRR's JSON gives
 * each object's cluster/namespace/kind/name (robusta-dev/krr, robusta_krr/core/models/objects.py K8sObjectData),
 * with the prose kept as summary.
 */
class JsonRunOutputTest {
    static final Instant T = Instant.parse("2026-12-04T19:00:00Z");

    static JsonNode run(String job, Action... actions) throws Exception {
        var r = new ChoreLauncher.RunResult(job, 4, 0, true, false, "plan", List.of(actions), List.of(), List.of(),
                List.<Path>of(), T, T, List.of(new ChoreLauncher.PartitionOutcome("staging-eu-1", null, Map.of()),
                new ChoreLauncher.PartitionOutcome(ChoreLauncher.PartitionOutcome.FLEET, null, Map.of())));
        return new ObjectMapper().readTree(JsonRunOutput.json(r));
    }

    @Test
    void aWorkloadActionHasClusterNamespaceKindNameFromAndTo() throws Exception {
        JsonNode out = run("downscale", new Action("staging-eu-1/shop/Deployment/cart", "scale-down",
                "3 replicas → 0 replicas (save original 3)", "downtime: outside uptime Mon-Fri 07:30-20:30", Action.Status.PLANNED));
        JsonNode a = out.path("actions").get(0);
        assertThat(a.path("cluster").asText()).isEqualTo("staging-eu-1");
        assertThat(a.path("namespace").asText()).isEqualTo("shop");
        assertThat(a.path("kind").asText()).isEqualTo("Deployment");
        assertThat(a.path("name").asText()).isEqualTo("cart");
        assertThat(a.path("from").asText()).isEqualTo("3 replicas");
        assertThat(a.path("to").asText()).isEqualTo("0 replicas");
        assertThat(a.path("reason").asText()).startsWith("downtime:");
        assertThat(a.path("status").asText()).isEqualTo("planned");
        assertThat(a.path("verb").asText()).isEqualTo("scale-down");
        assertThat(a.path("summary").asText()).isEqualTo("scale-down staging-eu-1/shop/Deployment/cart: 3 replicas → 0 replicas"
                + " (save original 3) (downtime: outside uptime Mon-Fri 07:30-20:30) [planned]");
        assertThat(out.path("job").asText()).isEqualTo("downscale");
        assertThat(out.path("exitCode").asInt()).isZero();
    }

    @Test
    void otherTargetShapesGetTheFieldsTheyHaveAndNoMadeUpOnes() throws Exception {
        JsonNode out = run("quotas",
                new Action("111111111111/eu-central-1/ec2/L-1216C47A", "request-increase", "1216 → 2000", "node pools need 1900", Action.Status.PLANNED),
                new Action("#platform-alerts", "escalate", "2 quota(s) for a human", "new", Action.Status.PLANNED),
                new Action("staging-eu-1/jenkins/deploy-loki", "trigger-deploy", "loki 6.16.0", "soaked", Action.Status.PLANNED));
        JsonNode q = out.path("actions").get(0);
        assertThat(q.path("account").asText()).isEqualTo("111111111111");
        assertThat(q.path("region").asText()).isEqualTo("eu-central-1");
        assertThat(q.path("kind").asText()).isEqualTo("ServiceQuota");
        assertThat(q.path("name").asText()).isEqualTo("ec2/L-1216C47A");
        assertThat(q.path("from").asText()).isEqualTo("1216");
        assertThat(q.path("to").asText()).isEqualTo("2000");
        assertThat(q.has("cluster")).isFalse();
        JsonNode channel = out.path("actions").get(1);
        assertThat(channel.has("cluster") || channel.has("namespace") || channel.has("from")).isFalse();
        assertThat(channel.path("target").asText()).isEqualTo("#platform-alerts");
        JsonNode deploy = out.path("actions").get(2);
        assertThat(deploy.path("cluster").asText()).isEqualTo("staging-eu-1");
        assertThat(deploy.path("name").asText()).isEqualTo("jenkins/deploy-loki");
    }
}
