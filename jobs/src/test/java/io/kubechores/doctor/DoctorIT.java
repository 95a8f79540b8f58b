package io.kubechores.doctor;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.doctor.Doctor.Row;
import io.kubechores.doctor.Doctor.Status;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.testkit.aws.AwsWireStubs;
import io.kubechores.platform.aws.EksClusters;
import io.kubechores.platform.aws.EksTokenVerifier;
import io.kubechores.platform.aws.EksWireStubs;
import io.kubechores.platform.kube.AuthenticatingApiDispatcher;
import io.kubechores.platform.kube.AuthenticatingApiDispatcher.User;
import io.kubechores.platform.kube.ConnectionKubeClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * doctor against a simulated fleet in which one cluster, account or integration is made to fail each check: a
 * kubeconfig context that does not exist, an API server nobody listens on, one that rejects the token, one whose
 * RBAC denies a verb of the downscale ClusterRole, an EKS cluster (DescribeCluster on WireMock, token verified like
 * EKS does) that works; an account whose role cannot be assumed; a GitHub token without push (GitHub "Get a
 * repository": permissions.push); Jenkins refusing the crumb (403); Slack's env var unset. Every server is then
 * checked to have been asked only reads and reviews.
 */
class DoctorIT {
    static final AwsBasicCredentials BASE = AwsBasicCredentials.create("AKIAKUBECHORESBASE", "base-secret");
    @TempDir
    Path tmp;
    WireMockServer wm;
    final List<KubernetesMockServer> apis = new ArrayList<>();
    final Map<String, AuthenticatingApiDispatcher> dispatchers = new HashMap<>();

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterEach
    void stop() {
        apis.forEach(KubernetesMockServer::destroy);
        wm.stop();
    }

    String api(String name, AuthenticatingApiDispatcher d) throws Exception {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), d, false);
        s.init(InetAddress.getByName("127.0.0.1"), 0);
        apis.add(s);
        dispatchers.put(name, d);
        return s.url("/").replaceAll("/$", "");
    }

    static AuthenticatingApiDispatcher tokenServer(String token, AuthenticatingApiDispatcher.Authorizer authz) {
        return new AuthenticatingApiDispatcher(t -> t.equals(token) ? new User("kubechores-central", List.of("kubechores:central")) : null, authz);
    }

    /** Writes the fleet: fleet.yaml with the given integrations, one file per cluster. */
    DesiredState fleet(boolean integrationsHealthy, boolean clustersHealthy) throws Exception {
        String ok = api("ok", tokenServer("ok-token", (u, v, g, r) -> true));
        String denied = api("denied", tokenServer("denied-token", (u, v, g, r) -> !(v.equals("patch") && g.equals("apps") && r.equals("deployments"))));
        String unauth = api("unauth", tokenServer("another-token", (u, v, g, r) -> true));
        Map<String, software.amazon.awssdk.auth.credentials.AwsCredentials> sts = Map.of(BASE.accessKeyId(), BASE);
        String eksApi = api("eks", new AuthenticatingApiDispatcher(t -> {
            new EksTokenVerifier("prod-eks-1", sts::get, Clock.systemUTC()).verify(t);
            return new User("arn:aws:iam::111111111111:user/kubechores", List.of("kubechores:central"));
        }, (u, v, g, r) -> true));
        new EksWireStubs(wm).cluster("111111111111", "eu-central-1", "prod-eks-1", eksApi, "LS0tLS1CRUdJTg==");

        // kubeconfigPath is read only from $KUBECONFIG, ~/.kube, $KUBECHORES_SECRETS_DIR (KubeconfigFiles): ~/.kube here
        Path kubeconfig = tmp.resolve(".kube/kubeconfig");
        Files.createDirectories(kubeconfig.getParent());
        StringBuilder kc = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        Map<String, String> servers = Map.of("ok", ok, "denied", denied, "unauth", unauth, "unreachable", "http://127.0.0.1:9");
        servers.forEach((n, url) -> kc.append("  - name: ").append(n).append("\n    cluster: {server: \"").append(url).append("\"}\n"));
        kc.append("users:\n");
        servers.forEach((n, url) -> kc.append("  - name: ").append(n).append("\n    user: {token: ").append(n.equals("unauth") ? "wrong-token" : n + "-token").append("}\n"));
        kc.append("contexts:\n");
        servers.forEach((n, url) -> kc.append("  - name: ").append(n).append("\n    context: {cluster: ").append(n).append(", user: ").append(n).append("}\n"));
        Files.writeString(kubeconfig, kc);

        Path repo = tmp.resolve("fleet");
        Files.createDirectories(repo.resolve("clusters"));
        Files.writeString(repo.resolve("fleet.yaml"), """
                apiVersion: kubechores.io/v1alpha1
                kind: Fleet
                metadata:
                  name: acme
                spec:
                  environments: [staging, prod]
                  forge: {type: github, url: "%1$s/github", repository: platform/fleet, tokenEnv: FORGE_TOKEN}
                  notifications: {slackWebhookEnv: KUBECHORES_SLACK_WEBHOOK}
                  aws: {roleArnPattern: "arn:aws:iam::{accountId}:role/kubechores", endpoint: "%1$s"}
                  jenkins: {url: "%1$s/jenkins", userEnv: JENKINS_USER, tokenEnv: JENKINS_TOKEN}
                """.formatted(wm.baseUrl()));
        List<String[]> clusters = clustersHealthy
                ? List.<String[]>of(new String[] {"ok-1", "kubeconfigContext: ok", "111111111111"})
                : List.<String[]>of(new String[] {"ok-1", "kubeconfigContext: ok", "111111111111"},
                new String[] {"no-context", "kubeconfigContext: not-there", "111111111111"},
                new String[] {"unreachable", "kubeconfigContext: unreachable", "111111111111"},
                new String[] {"unauthenticated", "kubeconfigContext: unauth", "111111111111"},
                new String[] {"rbac-denied", "kubeconfigContext: denied", "333333333333"});
        for (String[] c : clusters) {
            Files.writeString(repo.resolve("clusters/" + c[0] + ".yaml"), """
                    apiVersion: kubechores.io/v1alpha1
                    kind: Cluster
                    metadata:
                      name: %s
                    spec:
                      environment: prod
                      connection:
                        %s
                        kubeconfigPath: %s
                      aws: {accountId: "%s", region: eu-central-1}
                    """.formatted(c[0], c[1], kubeconfig, c[2]));
        }
        Files.writeString(repo.resolve("clusters/prod-eks-1.yaml"), """
                apiVersion: kubechores.io/v1alpha1
                kind: Cluster
                metadata:
                  name: prod-eks-1
                spec:
                  environment: prod
                  connection:
                    eks: {name: prod-eks-1, region: eu-central-1}
                  aws: {accountId: "111111111111", region: eu-central-1}
                """);

        AwsWireStubs aws = new AwsWireStubs(wm);
        aws.assumeRole("111111111111", "arn:aws:iam::111111111111:role/kubechores");
        if (clustersHealthy) aws.assumeRole("333333333333", "arn:aws:iam::333333333333:role/kubechores");
        else aws.assumeRoleDenied("arn:aws:iam::333333333333:role/kubechores");
        wm.stubFor(get(urlEqualTo("/github/repos/platform/fleet")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"id\":1296269,\"name\":\"fleet\",\"full_name\":\"platform/fleet\",\"private\":true,"
                        + "\"default_branch\":\"main\",\"permissions\":{\"admin\":false,\"maintain\":false,\"push\":"
                        + integrationsHealthy + ",\"triage\":true,\"pull\":true}}")));
        wm.stubFor(get(urlEqualTo("/jenkins/crumbIssuer/api/json")).willReturn(integrationsHealthy
                ? aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumb\":\"4f1c0e\",\"crumbRequestField\":\"Jenkins-Crumb\"}")
                : aResponse().withStatus(403).withHeader("Content-Type", "text/html").withBody("<html>Access Denied</html>")));
        return new DesiredStateLoader().load(repo, "test");
    }

    List<Row> doctor(DesiredState state, Map<String, String> env) {
        AwsAccess aws = new AwsAccess(wm.baseUrl(), StaticCredentialsProvider.create(BASE), state.fleetSpec().aws().roleArnPattern());
        SecretSource secrets = SecretSource.of(env);
        try (EksClusters eks = EksClusters.from(aws);
             ConnectionKubeClients kube = new ConnectionKubeClients(secrets, 3000, java.time.Duration.ofSeconds(6),
                     new io.kubechores.platform.kube.KubeconfigFiles(Map.of(), tmp.toString()), EksClusters.from(aws))) {
            return new Doctor(state, secrets, kube, aws, eks, HttpClient.newHttpClient()).run();
        }
    }

    static Row row(List<Row> rows, String subject, String check) {
        return rows.stream().filter(r -> r.subject().equals(subject) && r.check().startsWith(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + subject + " / " + check + " in " + rows));
    }

    @Test
    void eachBrokenThingIsOneCrossWithItsFixAndExitTwo() throws Exception {
        List<Row> rows = doctor(fleet(false, false), Map.of("FORGE_TOKEN", "ghp_x", "JENKINS_USER", "bot", "JENKINS_TOKEN", "t"));
        String table = Doctor.render(rows, Set.of("downscale", "certs", "quotas", "promote", "rightsize"));

        assertThat(row(rows, "cluster ok-1", "reachable").status()).isEqualTo(Status.OK);
        assertThat(row(rows, "cluster ok-1", "authenticated").detail()).isEqualTo("as kubechores-central (groups kubechores:central)");
        for (String job : List.of("downscale", "rightsize", "certs", "promote")) {
            assertThat(row(rows, "cluster ok-1", job + " permissions").status()).as(job).isEqualTo(Status.OK);
        }
        Row noContext = row(rows, "cluster no-context", "connection");
        assertThat(noContext.status()).isEqualTo(Status.FAIL);
        assertThat(noContext.detail()).startsWith("clusters/no-context.yaml:8:5: spec.connection.kubeconfigContext: ")
                .contains("context \"not-there\" is not in kubeconfig");
        Row unreachable = row(rows, "cluster unreachable", "reachable");
        assertThat(unreachable.status()).as(unreachable.detail()).isEqualTo(Status.FAIL);
        assertThat(unreachable.fix()).contains("security group");
        Row unauth = row(rows, "cluster unauthenticated", "authenticated");
        assertThat(unauth.status()).isEqualTo(Status.FAIL);
        assertThat(unauth.detail()).contains("401");
        Row denied = row(rows, "cluster rbac-denied", "downscale permissions");
        assertThat(denied.status()).isEqualTo(Status.FAIL);
        assertThat(denied.detail()).isEqualTo("denied: patch apps/deployments");
        assertThat(denied.fix()).contains("k8s/target").contains("kubechores-downscale");
        assertThat(row(rows, "cluster rbac-denied", "certs permissions").status()).isEqualTo(Status.OK);
        assertThat(row(rows, "cluster prod-eks-1", "authenticated").detail()).contains("arn:aws:iam::111111111111:user/kubechores");
        assertThat(row(rows, "account 111111111111", "AssumeRole").status()).isEqualTo(Status.OK);
        Row role = row(rows, "account 333333333333", "AssumeRole");
        assertThat(role.status()).isEqualTo(Status.FAIL);
        assertThat(role.detail()).contains("not authorized to perform: sts:AssumeRole").contains("arn:aws:iam::333333333333:role/kubechores");
        assertThat(row(rows, "forge github", "token can push").status()).isEqualTo(Status.FAIL);
        assertThat(row(rows, "forge github", "token can push").detail()).contains("no push permission on platform/fleet");
        assertThat(row(rows, "jenkins", "crumb").status()).isEqualTo(Status.FAIL);
        assertThat(row(rows, "slack", "webhook set").detail()).contains("KUBECHORES_SLACK_WEBHOOK is not set");

        assertThat(Doctor.exitCode(rows, Set.of("certs"))).isEqualTo(2);
        assertThat(table).contains("✗").contains("fix: apply k8s/target").contains("[needed by scheduled downscale]");
        // only downscale is denied on rbac-denied: with only certs scheduled and Slack + clusters fine it would be 0
        assertThat(Doctor.exitCode(rows.stream().filter(r -> r.subject().equals("cluster rbac-denied")).toList(),
                Set.of("certs"))).isZero();
        assertThat(Doctor.exitCode(rows.stream().filter(r -> r.subject().equals("cluster rbac-denied")).toList(),
                Set.of("downscale"))).isEqualTo(2);
        assertOnlyReadsAndReviews();
    }

    @Test
    void aHealthyFleetIsAllTicksAndExitZero() throws Exception {
        List<Row> rows = doctor(fleet(true, true), Map.of("FORGE_TOKEN", "ghp_x", "JENKINS_USER", "bot",
                "JENKINS_TOKEN", "t", "KUBECHORES_SLACK_WEBHOOK", "https://hooks.slack.com/services/T/B/x"));
        assertThat(rows).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(Status.OK));
        assertThat(Doctor.exitCode(rows, Set.of("downscale", "rightsize", "quotas", "certs", "promote"))).isZero();
        assertThat(Doctor.render(rows, Set.of())).endsWith("all checks passed\n").doesNotContain("✗");
        assertOnlyReadsAndReviews();
    }

    @Test
    void theCommandRunsWithoutSpringAndExitsTwo() throws Exception {
        fleet(false, false);
        Path home = tmp.resolve("home");
        java.io.PrintStream old = System.out;
        var out = new java.io.ByteArrayOutputStream();
        int code;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        // no instance metadata service here: the SDK's default chain would wait for it
        System.setProperty("aws.disableEc2Metadata", "true");
        boolean logbackSet = System.getProperty("logback.configurationFile") != null;
        String userHome = System.getProperty("user.home");
        System.setProperty("user.home", tmp.toString()); // ~/.kube holds the kubeconfig the clusters name
        try {
            code = io.kubechores.cli.Main.run("doctor", "--repo", tmp.resolve("fleet").toString(), "--home", home.toString(),
                    "--schedules", Path.of("../schedules").toString(), "--cluster", "ok-1", "--cluster", "rbac-denied");
        } finally {
            System.setOut(old);
            System.clearProperty("aws.disableEc2Metadata");
            System.setProperty("user.home", userHome);
            if (!logbackSet) System.clearProperty("logback.configurationFile"); // other tests of this JVM log as before
        }
        String table = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).as(table).isEqualTo(2);
        assertThat(table).contains("cluster rbac-denied").contains("denied: patch apps/deployments")
                .doesNotContain("cluster unreachable");
        // no Spring Boot, no Spring Batch: the job repository (an H2 file under the home) was never created
        assertThat(home.resolve("db")).doesNotExist();
        assertOnlyReadsAndReviews();
    }

    /** Dry by construction: GETs, reviews (never stored) and STS AssumeRole only; nothing is posted to Slack. */
    void assertOnlyReadsAndReviews() throws InterruptedException {
        for (KubernetesMockServer s : apis) {
            for (RecordedRequest q; (q = s.takeRequest(1, TimeUnit.MILLISECONDS)) != null; ) {
                boolean ok = q.getMethod().equals("GET") || q.getMethod().equals("POST")
                        && q.getPath().matches("/apis/(authentication|authorization)\\.k8s\\.io/v1/selfsubject(access)?reviews.*");
                assertThat(ok).as(q.getMethod() + " " + q.getPath()).isTrue();
            }
        }
        for (LoggedRequest r : wm.findAll(anyRequestedFor(anyUrl()))) {
            boolean ok = r.getMethod().getName().equals("GET")
                    || r.getMethod().getName().equals("POST") && r.getBodyAsString().contains("Action=AssumeRole");
            assertThat(ok).as(r.getMethod() + " " + r.getUrl()).isTrue();
        }
    }
}
