package io.kubechores.runner;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.cli.Main;
import io.kubechores.core.Action;
import io.kubechores.report.Reports;
import io.kubechores.testkit.kube.SimulatedApiDispatcher;
import io.kubechores.testkit.tls.PkiMaker;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14: reports and the audit trail outlive the pod. A CronJob-style run (its own JVM, a fresh home, the shared
 * store from SPRING_DATASOURCE_URL) alerts an expiring certificate; then its home is deleted, as a pod's emptyDir
 * is; a runner with another home on the same store lists the run's reports, serves each of them, and serves the run's
 * audit trail (the alert's intent and outcome). And a pod killed between an intent and its outcome: the next pod,
 * with a fresh home, reconciles the intent from the shared store.
 * <p>
 * The store is an H2 TCP server (a server database, as PostgreSQL is) and the real PostgreSQL of
 * KUBECHORES_TEST_PG_URL when set (a schema of its own, dropped after).
 */
class RunArchiveIT {
    @TempDir static Path tmp;
    static KubernetesMockServer api;
    static WireMockServer slack;
    static Path repo;
    static Server h2;
    static int h2Port;

    @BeforeAll
    static void start() throws Exception {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new SimulatedApiDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = api.createClient()) {
            Instant now = Instant.now();
            var leaf = PkiMaker.cert("web.shop.acme.example").dns("web.shop.acme.example")
                    .valid(now.minus(80, ChronoUnit.DAYS), now.plus(3, ChronoUnit.DAYS)).issue();
            client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("web-tls")
                    .withNamespace("shop").endMetadata().withType("kubernetes.io/tls")
                    .addToData("tls.crt", PkiMaker.base64(leaf.pem())).build()).create();
        }
        slack = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        slack.start();
        slack.stubFor(post(urlEqualTo("/services/T0001/B0001/hook")).willReturn(aResponse().withStatus(200).withBody("ok")));
        slack.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/pushgateway/metrics/job/.*"))
                .willReturn(aResponse().withStatus(200)));
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: sim, cluster: {server: "%s"}}]
                users: [{name: sim, user: {token: sim-token}}]
                contexts: [{name: sim, context: {cluster: sim, user: sim}}]
                current-context: sim
                """.formatted(api.url("/").replaceAll("/$", "")));
        // the fleet of CronJobStateIT: one cluster, TLS secrets only, Slack from the env
        repo = tmp.resolve("fleet");
        Files.createDirectories(repo.resolve("clusters"));
        Files.createDirectories(repo.resolve("certificates"));
        Path res = Path.of("src/test/resources/cronjob-state");
        Files.writeString(repo.resolve("fleet.yaml"), Files.readString(res.resolve("fleet.yaml"))
                .replace("PUSHGATEWAY_URL", slack.baseUrl() + "/pushgateway"));
        Files.copy(res.resolve("certs.yaml"), repo.resolve("certificates/cluster-certs.yaml"));
        Files.writeString(repo.resolve("clusters/prod-eu-1.yaml"),
                Files.readString(res.resolve("cluster.yaml")).replace("KUBECONFIG_PATH", kubeconfig.toString()));
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            h2Port = s.getLocalPort();
        }
        h2 = Server.createTcpServer("-tcpPort", Integer.toString(h2Port), "-ifNotExists", "-baseDir",
                tmp.resolve("h2").toString()).start();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.destroy();
        if (slack != null) slack.stop();
        if (h2 != null) h2.stop();
    }

    record Db(String url, String user, String password, AutoCloseable cleanup) {}

    static Db database(String kind) throws Exception {
        if (kind.equals("h2")) {
            return new Db("jdbc:h2:tcp://127.0.0.1:" + h2Port + "/archive-" + UUID.randomUUID().toString().substring(0, 8),
                    "sa", "", () -> { });
        }
        String base = System.getenv("KUBECHORES_TEST_PG_URL");
        assumeTrue(base != null, "KUBECHORES_TEST_PG_URL not set");
        String user = System.getenv().getOrDefault("KUBECHORES_TEST_PG_USER", "kubechores");
        String password = System.getenv().getOrDefault("KUBECHORES_TEST_PG_PASSWORD", "");
        String schema = "kubechores_archive_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(base, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return new Db(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password, () -> {
            try (Connection c = DriverManager.getConnection(base, user, password); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        });
    }

    /** One CronJob pod: a fresh JVM and home, the shared store from SPRING_DATASOURCE_URL. Returns its home. */
    static Path cronJobPod(String name, Db db) throws Exception {
        Path home = tmp.resolve("pods").resolve(name);
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "certs", "--repo", repo.toString(), "--home", home.resolve(".kubechores").toString()));
        Path log = tmp.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("KUBECONFIG");
        env.put("HOME", home.toString());
        env.put("KUBECHORES_SECRETS_DIR", tmp.toString());
        env.put("KUBECHORES_SLACK_WEBHOOK", slack.baseUrl() + "/services/T0001/B0001/hook");
        env.put("SPRING_DATASOURCE_URL", db.url());
        env.put("SPRING_DATASOURCE_USERNAME", db.user());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password());
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not end: " + Files.readString(log));
        }
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        return home;
    }

    /** The runner's web part on the shared store (its own, empty home), with the archive's bean. */
    @Configuration(proxyBeanMethods = false)
    static class ArchiveBean {
        @Bean(destroyMethod = "close")
        RunArchive runArchive(javax.sql.DataSource ds) {
            return new RunArchive(new JdbcTemplate(ds), Duration.ofDays(90));
        }
    }

    static ConfigurableApplicationContext runner(Db db, Path home) {
        return new SpringApplicationBuilder(RunnerTestApp.class, ArchiveBean.class).profiles("serve").run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--kubechores.home=" + home, "--kubechores.runner.schedules=../schedules",
                "--kubechores.runner.scheduling.enabled=false");
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aCronJobRunsReportsAndAuditTrailAreServedByTheRunnerAfterItsPodIsGone(String kind) throws Exception {
        Db db = database(kind);
        ConfigurableApplicationContext runner = null;
        try {
            Path pod = cronJobPod("certs-" + kind, db);
            String podLog = Files.readString(tmp.resolve("certs-" + kind + ".log"));
            assertThat(podLog).contains("report file(s) stored in the shared store");
            deleteTree(pod); // the pod is gone, and its emptyDir with it

            runner = runner(db, tmp.resolve("runner-home-" + kind));
            int port = ((WebServerApplicationContext) runner).getWebServer().getPort();
            long id = runner.getBean(RunHistory.class).lastRuns("certs", 1).getFirst().executionId();

            HttpResponse<String> page = get(port, "/runs/" + id);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<a href=\"/runs/" + id + "/artifacts/0\">")
                    .contains("certs-report.html").doesNotContain("(on runner")
                    .contains("href=\"/runs/" + id + "/audit\"");
            List<java.nio.file.Path> names = runner.getBean(RunHistory.class).find(id).orElseThrow().artifacts();
            for (int n = 0; n < names.size(); n++) {
                HttpResponse<String> file = get(port, "/runs/" + id + "/artifacts/" + n);
                assertThat(file.statusCode()).as(names.get(n).toString()).isEqualTo(200);
                assertThat(file.body()).as(names.get(n).toString()).contains("web-tls");
            }
            HttpResponse<String> html = get(port, "/runs/" + id + "/artifacts/"
                    + names.stream().map(p -> p.getFileName().toString()).toList().indexOf("certs-report.html"));
            assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

            HttpResponse<String> audit = get(port, "/runs/" + id + "/audit");
            assertThat(audit.statusCode()).isEqualTo(200);
            List<Map<String, Object>> lines = audit.body().lines().map(Reports::parseJsonLine).toList();
            assertThat(lines).extracting(l -> l.get("action") + " " + l.get("phase") + " " + l.get("status"))
                    .contains("alert intent PLANNED", "alert outcome APPLIED");
            assertThat(lines).allSatisfy(l -> assertThat(l).containsEntry("job", "certs"));
        } finally {
            if (runner != null) runner.close();
            db.cleanup().close();
        }
    }

    /**
     * A pod killed after an intent and before its outcome (its file gone with it): the next run, on a fresh home,
     * finds the intent in the shared store and closes it "outcome unknown", naming itself.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aKilledPodsOpenIntentIsReconciledFromTheSharedStoreByAFreshPod(String kind) throws Exception {
        Db db = database(kind);
        try {
            JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(db.url(), db.user(), db.password()));
            Path deadHome = tmp.resolve("dead-" + kind);
            try (RunArchive archive = new RunArchive(jdbc, Duration.ofDays(90)).mirrorAuditOf(deadHome)) {
                FileAuditLog dead = new FileAuditLog(deadHome, "run-dead-" + kind, "cli", Clock.systemUTC()).open("promote");
                dead.intent("promote", new Action("tool/cert-manager", "trigger-jenkins", "deploy-cert-manager #42",
                        "staging healthy for 2h", Action.Status.PLANNED)).join();
                // killed here: no outcome, and the pod's home goes with it (the writer thread is left to die)
            }
            deleteTree(deadHome);

            Path freshHome = tmp.resolve("fresh-" + kind);
            try (RunArchive archive = new RunArchive(jdbc, Duration.ofDays(90)).mirrorAuditOf(freshHome);
                 FileAuditLog next = new FileAuditLog(freshHome, "run-next-" + kind, "cli", Clock.systemUTC()).open("promote")) {
                assertThat(next).isNotNull();
            }
            List<Map<String, Object>> lines = new RunArchive(jdbc, Duration.ofDays(90)).auditLines("run-dead-" + kind)
                    .stream().map(Reports::parseJsonLine).toList();
            assertThat(lines).extracting(l -> l.get("phase") + " " + l.get("status"))
                    .containsExactly("intent PLANNED", "outcome " + FileAuditLog.UNKNOWN);
            assertThat(lines.get(1)).containsEntry("reconciledBy", "run-next-" + kind)
                    .containsEntry("target", "tool/cert-manager");
            assertThat(Files.readString(freshHome.resolve("audit/audit.jsonl")))
                    .as("the fresh pod's own file has the reconciling line too").contains("run-dead-" + kind);
            // reconciled once: a third run finds nothing open
            assertThat(new RunArchive(jdbc, Duration.ofDays(90)).openIntents("promote")).isEmpty();
        } finally {
            db.cleanup().close();
        }
    }
}
