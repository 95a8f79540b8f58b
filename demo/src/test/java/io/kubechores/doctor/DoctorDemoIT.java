package io.kubechores.doctor;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.KubechoresApplication;
import io.kubechores.cli.Main;
import io.kubechores.demo.DemoContribution;
import io.kubechores.demo.DemoEnvironment;
import io.kubechores.testkit.kube.SimulatedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: `kubechores doctor` (the CLI, in its own JVM) against the demo world, with one cluster, account or
 * integration made to fail each check while the rest of the world stays as the demo runs it:
 * <ul>
 *   <li>prod-eu-1 unreachable (its simulated API server is stopped),</li>
 *   <li>prod-us-1 unauthenticated (its API server answers every request 401 Unauthorized, kube-apiserver's Status),</li>
 *   <li>staging-eu-1 denies one verb of the downscale ClusterRole (SelfSubjectAccessReview allowed=false for patch
 *       apps/deployments),</li>
 *   <li>account 111111111111: STS refuses AssumeRole (403 AccessDenied, STS's Query-protocol error body),</li>
 *   <li>the forge token cannot push (GitHub "Get a repository": permissions.push=false),</li>
 *   <li>Jenkins' crumb cannot be had (the crumb issuer answers 401 "Invalid password/token for user", as Jenkins'
 *       BasicHeaderProcessor does for a wrong API token),</li>
 *   <li>the Slack webhook's env var is unset.</li>
 * </ul>
 * staging-us-1 and account 222222222222 stay healthy: their rows are ✓. Every ✗ row carries its fix, the exit code is
 * 2, and no server got a mutating request (doctor is dry by construction).
 */
class DoctorDemoIT {
    static final List<String> ORDER = List.of("downscale", "rightsize", "quotas", "certs", "promote");
    private static final Pattern REVIEW = Pattern.compile("^/apis/(authorization|authentication)\\.k8s\\.io/.*reviews.*");
    private static final Pattern ROW = Pattern.compile("^(cluster \\S+|account \\S+|forge \\S+|jenkins|slack)\\s+(.+?)\\s+([✓✗-])\\s+(.*)$");

    @TempDir static Path tmp;
    static ConfigurableApplicationContext ctx;
    static DemoEnvironment env;
    static WireMockServer github;

    @BeforeAll
    static void startTheDemoWorld() {
        System.setProperty("kubechores.home", tmp.resolve("home").toString());
        SpringApplication app = new SpringApplication(KubechoresApplication.class);
        app.setBannerMode(Banner.Mode.OFF);
        app.setWebApplicationType(WebApplicationType.NONE);
        ctx = app.run();
        List<DemoContribution> contributions = ctx.getBeansOfType(DemoContribution.class).values().stream()
                .sorted(java.util.Comparator.comparingInt(c -> ORDER.indexOf(c.job()))).toList();
        env = DemoEnvironment.startRecording(tmp.resolve("world"),
                Clock.fixed(Instant.now().truncatedTo(ChronoUnit.MINUTES), ZoneId.of("UTC")), contributions);
        github = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        github.start();
    }

    @AfterAll
    static void stopTheDemoWorld() {
        if (env != null) env.close();
        if (github != null) github.stop();
        if (ctx != null) ctx.close();
        System.clearProperty("kubechores.home");
    }

    record Row(String subject, String check, String mark, String detail, String fix) {}

    @Test
    void oneFailurePerCheckGivesACrossWithItsFixAndExit2() throws Exception {
        // --- break one thing per check
        SimulatedCluster unreachable = env.clusters().get("prod-eu-1");
        String unreachableUrl = unreachable.url();
        unreachable.server().destroy();
        env.clusters().get("prod-us-1").access().rejectCredentials(true);
        env.clusters().get("staging-eu-1").access().deny("patch", "apps", "deployments");
        // STS Query protocol error (AWS STS API reference, "Common Errors" / AssumeRole errors): 403 AccessDenied
        env.aws().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withRequestBody(containing("Action=AssumeRole"))
                .withRequestBody(containing("RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fkubechores"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml").withBody("""
                        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                          <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::999999999999:assumed-role/kubechores-central/i-0abc is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/kubechores</Message></Error>
                          <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
                        </ErrorResponse>""")));
        // GitHub "Get a repository": an authenticated caller sees its permissions; push=false: no branch, no PR
        github.stubFor(get(urlPathEqualTo("/repos/platform/fleet")).willReturn(okJson("""
                {"id":1296269,"name":"fleet","full_name":"platform/fleet","private":true,
                 "permissions":{"admin":false,"maintain":false,"push":false,"triage":false,"pull":true}}""")));
        env.jenkins().stubFor(get(urlEqualTo("/crumbIssuer/api/json")).atPriority(1).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "text/html;charset=utf-8")
                .withBody("<html><body><h2>HTTP ERROR 401 Invalid password/token for user: demo</h2></body></html>")));
        env.clusters().values().forEach(s -> {
            if (s != unreachable) s.drainRequests();
        });
        for (WireMockServer w : List.of(env.aws(), env.jenkins(), env.slack(), github)) w.resetRequests();

        // --- the demo's desired state, pointed at the demo's servers as a real fleet.yaml would name them
        Path repo = tmp.resolve("repo");
        copyTree(env.dir().resolve("seed"), repo);
        String fleet = Files.readString(repo.resolve("fleet.yaml"))
                .replaceAll("(?m)^  forge:\\n(    .*\\n)+", "  forge:\n    type: github\n    url: " + github.baseUrl()
                        + "\n    repository: platform/fleet\n    baseBranch: main\n    tokenEnv: FORGE_TOKEN\n")
                .replace("roleArnPattern: \"arn:aws:iam::{accountId}:role/kubechores\"",
                        "roleArnPattern: \"arn:aws:iam::{accountId}:role/kubechores\"\n    endpoint: " + env.aws().baseUrl())
                .replace("url: https://jenkins.acme.example", "url: " + env.jenkins().baseUrl());
        Files.writeString(repo.resolve("fleet.yaml"), fleet);
        Path kubeconfig = tmp.resolve("kubeconfig");
        StringBuilder kc = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        Map<String, String> servers = new LinkedHashMap<>();
        env.clusters().forEach((name, sim) -> servers.put(name, sim == unreachable ? unreachableUrl : sim.url()));
        servers.forEach((n, url) -> kc.append("  - name: ").append(n).append("\n    cluster: {server: \"").append(url).append("\"}\n"));
        kc.append("users:\n  - name: kubechores\n    user: {token: demo-central-token}\ncontexts:\n");
        servers.keySet().forEach(n -> kc.append("  - name: ").append(n).append("\n    context: {cluster: ").append(n)
                .append(", user: kubechores}\n"));
        Files.writeString(kubeconfig, kc);

        // --- the CLI, as an operator runs it
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "doctor", "--repo", repo.toString(), "--home", tmp.resolve("doctor-home").toString(),
                "--schedules", Path.of("../schedules").toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("KUBECHORES_SLACK_WEBHOOK"));
        e.put("HOME", tmp.toString());
        e.put("KUBECONFIG", kubeconfig.toString());
        e.put("AWS_ACCESS_KEY_ID", "AKIADEMODEMODEMO");
        e.put("AWS_SECRET_ACCESS_KEY", "demo-secret-key");
        e.put("AWS_REGION", "eu-central-1");
        e.put("FORGE_TOKEN", "github_pat_demo");
        e.put("JENKINS_USER", "demo");
        e.put("JENKINS_TOKEN", "wrong-api-token");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        System.out.println(out);

        assertThat(p.exitValue()).as(out).isEqualTo(2);
        List<Row> rows = rows(out);
        assertThat(rows).as(out).isNotEmpty();

        // the healthy parts of the demo world: ✓ (its API servers answer reviews as a real one does)
        assertThat(rows).filteredOn(r -> r.subject().equals("cluster staging-us-1")).as(out)
                .hasSizeGreaterThanOrEqualTo(6).allSatisfy(r -> assertThat(r.mark()).isEqualTo("✓"))
                .anySatisfy(r -> assertThat(r.detail()).contains("system:serviceaccount:kubechores:kubechores"))
                .extracting(Row::check).contains("reachable", "authenticated", "downscale permissions",
                        "rightsize permissions", "certs permissions", "promote permissions");
        assertThat(row(rows, "account 222222222222", "AssumeRole").mark()).isEqualTo("✓");
        assertThat(row(rows, "cluster staging-us-1", "reachable").detail()).doesNotContain("null");

        // one ✗ per broken check, each with its fix
        assertCross(row(rows, "cluster prod-eu-1", "reachable"), unreachableUrl, "let the runner reach the API endpoint");
        assertCross(row(rows, "cluster prod-us-1", "authenticated"), "401 Unauthorized", "renew the token");
        Row denied = row(rows, "cluster staging-eu-1", "downscale permissions");
        assertCross(denied, "denied: patch apps/deployments", "apply k8s/target");
        assertThat(row(rows, "cluster staging-eu-1", "certs permissions").mark()).isEqualTo("✓");
        assertCross(row(rows, "account 111111111111", "AssumeRole"), "not authorized to perform: sts:AssumeRole",
                "let the runner's identity assume arn:aws:iam::111111111111:role/kubechores");
        assertCross(row(rows, "forge github", "token can push and open PRs"), "no push permission on platform/fleet",
                "give the bot write access");
        assertCross(row(rows, "jenkins", "crumb"), "401", "JENKINS_USER / JENKINS_TOKEN");
        assertCross(row(rows, "slack", "webhook set"), "KUBECHORES_SLACK_WEBHOOK is not set",
                "put the Slack incoming-webhook URL in KUBECHORES_SLACK_WEBHOOK");
        assertThat(out).contains("needed by scheduled downscale").containsPattern("\\d+ check\\(s\\) failed");
        assertThat(out).as("no secret in the table").doesNotContain("wrong-api-token", "github_pat_demo",
                "demo-central-token", "demo-secret-key");

        // dry by construction: reads and reviews only, at every server of the demo world
        List<String> mutations = new ArrayList<>();
        env.clusters().forEach((name, sim) -> {
            if (sim == unreachable) return;
            for (RecordedRequest q : sim.drainRequests()) {
                if (Set.of("POST", "PUT", "PATCH", "DELETE").contains(q.getMethod()) && !REVIEW.matcher(q.getPath()).matches()) {
                    mutations.add(q.getMethod() + " " + name + " " + q.getPath());
                }
            }
        });
        for (ServeEvent ev : env.aws().getAllServeEvents()) {
            String body = ev.getRequest().getBodyAsString();
            if (!body.contains("Action=AssumeRole") && !body.contains("Action=GetCallerIdentity")) {
                mutations.add("aws " + ev.getRequest().getHeader("X-Amz-Target") + " " + body);
            }
        }
        for (WireMockServer w : List.of(env.jenkins(), github)) {
            for (ServeEvent ev : w.getAllServeEvents()) {
                if (!ev.getRequest().getMethod().getName().equals("GET")) mutations.add(ev.getRequest().getUrl());
            }
        }
        assertThat(env.slack().getAllServeEvents()).as("Slack is never posted to").isEmpty();
        assertThat(mutations).as("doctor changed nothing").isEmpty();
    }

    static void assertCross(Row r, String detail, String fix) {
        assertThat(r.mark()).as(r.toString()).isEqualTo("✗");
        assertThat(r.detail()).as(r.toString()).contains(detail);
        assertThat(r.fix()).as(r.toString()).contains(fix);
    }

    static Row row(List<Row> rows, String subject, String check) {
        return rows.stream().filter(r -> r.subject().equals(subject) && r.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + subject + " / " + check + " in " + rows));
    }

    /** The doctor table: one row per check, the "fix:" line under each ✗ row. */
    static List<Row> rows(String out) {
        List<Row> rows = new ArrayList<>();
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = ROW.matcher(lines.get(i));
            if (!m.matches()) continue;
            String fix = null;
            if (i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("fix: ")) fix = lines.get(i + 1).strip().substring(5);
            rows.add(new Row(m.group(1), m.group(2).strip(), m.group(3), m.group(4), fix));
        }
        return rows;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(x -> !from.relativize(x).startsWith(".git")).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
