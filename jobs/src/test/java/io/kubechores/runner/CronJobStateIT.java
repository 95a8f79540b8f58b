package io.kubechores.runner;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.testkit.tls.PkiMaker;
import io.kubechores.cli.Main;
import io.kubechores.testkit.kube.SimulatedApiDispatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: CronJob pods start with a fresh home every time. Each run here is what a CronJob pod does: its own JVM
 * running `kubechores run certs` with an empty HOME and --home, the desired state from a folder, Slack from the
 * env, and the state store from SPRING_DATASOURCE_URL. With a store shared between the runs (an H2 file in a shared
 * folder standing in for the PostgreSQL of the kustomize base; the shared kubechores_test database is not ours to
 * use) the second run remembers the first run's alert and sends none; with an in-memory store (what an emptyDir
 * home amounts to) every run alerts again, and says in its first log line that its store is ephemeral.
 */
class CronJobStateIT {
    @TempDir
    static Path tmp;
    static KubernetesMockServer api;
    static WireMockServer slack;
    static Path repo;

    @BeforeAll
    static void start() throws IOException {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new SimulatedApiDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        KubernetesClient client = api.createClient();
        Instant now = Instant.now();
        var ca = PkiMaker.cert("Acme Apps CA").ca().valid(now.minus(400, ChronoUnit.DAYS), now.plus(1500, ChronoUnit.DAYS)).issue();
        var leaf = PkiMaker.cert("web.shop.acme.example").issuer(ca).dns("web.shop.acme.example")
                .valid(now.minus(80, ChronoUnit.DAYS), now.plus(3, ChronoUnit.DAYS)).issue();
        client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("web-tls")
                .withNamespace("shop").endMetadata().withType("kubernetes.io/tls")
                .addToData("tls.crt", PkiMaker.base64(leaf.pem() + ca.pem()))
                .addToData("tls.key", PkiMaker.base64(leaf.keyPem())).build()).create();
        client.close();

        slack = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        slack.start();
        slack.stubFor(post(urlEqualTo("/services/T0001/B0001/hook")).willReturn(aResponse().withStatus(200).withBody("ok")));
        // Pushgateway API: POST/PUT /metrics/job/JOB answer 200 with an empty body
        slack.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/pushgateway/metrics/job/.*"))
                .willReturn(aResponse().withStatus(200)));

        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: sim
                    cluster: {server: "%s"}
                users:
                  - name: sim
                    user: {token: sim-token}
                contexts:
                  - name: sim
                    context: {cluster: sim, user: sim}
                current-context: sim
                """.formatted(api.url("/").replaceAll("/$", "")));
        repo = tmp.resolve("fleet");
        Files.createDirectories(repo.resolve("clusters"));
        Files.createDirectories(repo.resolve("certificates"));
        Path res = Path.of("src/test/resources/cronjob-state");
        Files.writeString(repo.resolve("fleet.yaml"), Files.readString(res.resolve("fleet.yaml"))
                .replace("PUSHGATEWAY_URL", slack.baseUrl() + "/pushgateway"));
        Files.copy(res.resolve("certs.yaml"), repo.resolve("certificates/cluster-certs.yaml"));
        Files.writeString(repo.resolve("clusters/prod-eu-1.yaml"),
                Files.readString(res.resolve("cluster.yaml")).replace("KUBECONFIG_PATH", kubeconfig.toString()));
    }

    @AfterAll
    static void stop() {
        if (api != null) api.destroy();
        if (slack != null) slack.stop();
    }

    record Pod(int exit, List<String> log) {}

    /** One CronJob pod: a fresh JVM, a fresh empty home, the given state store. */
    static Pod cronJobPod(String name, String datasourceUrl) throws Exception {
        Path home = tmp.resolve("pods").resolve(name);
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "certs", "--repo", repo.toString(), "--home", home.resolve(".kubechores").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.remove("SPRING_DATASOURCE_URL");
        env.remove("KUBECONFIG");
        env.put("HOME", home.toString());
        // where a pod mounts its cluster credentials: kubeconfigPath is read only from there (KubeconfigFiles)
        env.put("KUBECHORES_SECRETS_DIR", tmp.toString());
        env.put("KUBECHORES_SLACK_WEBHOOK", slack.baseUrl() + "/services/T0001/B0001/hook");
        if (datasourceUrl != null) env.put("SPRING_DATASOURCE_URL", datasourceUrl);
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not end: " + Files.readString(tmp.resolve(name + ".log")));
        }
        return new Pod(p.exitValue(), Files.readAllLines(tmp.resolve(name + ".log"), StandardCharsets.UTF_8));
    }

    static int slackPosts() {
        return slack.findAll(postRequestedFor(urlEqualTo("/services/T0001/B0001/hook"))).size();
    }

    @Test
    void aSharedStoreRemembersTheAlertAcrossFreshPodsAndAnEphemeralOneSaysSo() throws Exception {
        String shared = "jdbc:h2:file:" + tmp.resolve("shared-db/kubechores") + ";AUTO_SERVER=TRUE";

        Pod first = cronJobPod("certs-1", shared);
        assertThat(first.exit()).as(String.join("\n", first.log())).isZero();
        assertThat(slackPosts()).as("the first run alerts the expiring certificate").isEqualTo(1);
        assertThat(String.join("\n", first.log())).doesNotContain("ephemeral");

        // the run's metrics under the runner's names, so "no successful run in N hours" alerts for CronJobs too
        var pushed = slack.findAll(postRequestedFor(urlEqualTo("/pushgateway/metrics/job/certs")));
        assertThat(pushed).hasSize(1);
        assertThat(pushed.getFirst().getBodyAsString())
                .contains("kubechores_job_runs_total{job=\"certs\",outcome=\"success\"} 1")
                .containsPattern("kubechores_job_last_success_timestamp_seconds\\{job=\"certs\"} \\d{10}")
                .contains("kubechores_actions_total{job=\"certs\",cluster=\"\",status=\"applied\"}")
                .contains("kubechores_partition_failed{job=\"certs\",cluster=\"prod-eu-1\"} 0").doesNotContain("(fleet)");

        Pod second = cronJobPod("certs-2", shared);
        assertThat(second.exit()).as(String.join("\n", second.log())).isZero();
        assertThat(slackPosts()).as("a fresh pod with the shared store sends no alert again").isEqualTo(1);
        assertThat(String.join("\n", second.log())).contains("already alerted");

        // what an emptyDir home amounts to: a store that ends with the pod forgets the alert and says so first
        Pod ephemeral = cronJobPod("certs-mem", "jdbc:h2:mem:kubechores");
        assertThat(ephemeral.exit()).as(String.join("\n", ephemeral.log())).isZero();
        assertThat(slackPosts()).as("an ephemeral run alerts again").isEqualTo(2);
        String firstJobLine = ephemeral.log().stream().filter(l -> l.contains("job=certs")).findFirst().orElse("");
        assertThat(firstJobLine).as(String.join("\n", ephemeral.log())).contains("state store is ephemeral: H2 in memory");
        assertThat(String.join("\n", ephemeral.log())).contains("SPRING_DATASOURCE_URL");
    }
}
