package io.kubechores.platform.kube;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.testkit.aws.AwsWireStubs;
import io.kubechores.platform.aws.EksClusters;
import io.kubechores.platform.aws.EksTokenVerifier;
import io.kubechores.platform.aws.EksWireStubs;
import io.kubechores.platform.kube.ConnectionKubeClients.ConnectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A `connection.eks` cluster end to end: EKS DescribeCluster on WireMock (REST-JSON, SigV4-signed for service "eks")
 * gives the endpoint of a simulated API server that authenticates like EKS does: the bearer token must pass
 * aws-iam-authenticator's checks and its STS signature must verify for this cluster name with the caller's secret
 * key ({@link EksTokenVerifier}); the access key is what the access entry maps to a user.
 */
class EksConnectionIT {
    static final String ACCOUNT = "222222222222";
    static final AwsCredentials BASE = AwsBasicCredentials.create("AKIAKUBECHORESBASE", "base-secret");
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/kubechores-central";

    @TempDir
    Path tmp;
    WireMockServer aws;
    KubernetesMockServer api;
    AuthenticatingApiDispatcher dispatcher;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T18:00:00Z"));
    /** access key id -> credentials STS knows (the base user and the assumed role's session). */
    final Map<String, AwsCredentials> sts = new HashMap<>();
    ConnectionKubeClients clients;

    @BeforeEach
    void start() throws Exception {
        aws = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        aws.start();
        sts.put(BASE.accessKeyId(), BASE);
        sts.put(AwsWireStubs.accessKeyFor(ACCOUNT), AwsBasicCredentials.create(AwsWireStubs.accessKeyFor(ACCOUNT),
                "demo-secret-" + ACCOUNT));
        dispatcher = new AuthenticatingApiDispatcher(token -> {
            String key = new EksTokenVerifier("prod-eu-1", sts::get, clock).verify(token);
            return new AuthenticatingApiDispatcher.User(key.equals(BASE.accessKeyId()) ? "arn:aws:iam::" + ACCOUNT
                    + ":user/kubechores" : "arn:aws:sts::" + ACCOUNT + ":assumed-role/kubechores-central/kubechores",
                    List.of("kubechores:central"));
        }, (u, verb, group, resource) -> true);
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        String ca = Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\n...\n".getBytes(StandardCharsets.UTF_8));
        new EksWireStubs(aws).cluster(ACCOUNT, "eu-central-1", "prod-eu-1", api.url("/").replaceAll("/$", ""), ca);
        new EksWireStubs(aws).noCluster("gone-eu-1");
        clients = new ConnectionKubeClients(SecretSource.of(Map.of()), 5000,
                new EksClusters(aws.baseUrl(), StaticCredentialsProvider.create(BASE), "kubechores"),
                Map.<String, String>of(), tmp, tmp.resolve("no-sa"), clock);
    }

    @AfterEach
    void stop() {
        clients.close();
        api.destroy();
        aws.stop();
    }

    Resource<ClusterSpec> cluster(String eks) {
        return ClusterFiles.load(tmp.resolve("repo"), "prod-eu-1", "    eks: " + eks);
    }

    @Test
    void describeClusterGivesTheEndpointAndTheApiServerAcceptsTheSignedToken() {
        KubernetesClient client = clients.client(cluster("{name: prod-eu-1, region: eu-central-1}"));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
                .create();

        assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).contains("team-a");
        assertThat(dispatcher.tokens).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("k8s-aws-v1."));
        List<LoggedRequest> describe = aws.findAll(getRequestedFor(urlPathEqualTo("/clusters/prod-eu-1")));
        assertThat(describe).hasSize(1);
        // SigV4 for EKS in the cluster's region, with the base credentials
        assertThat(describe.getFirst().getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIAKUBECHORESBASE/20")
                .contains("/eu-central-1/eks/aws4_request");
    }

    @Test
    void aRoleArnIsAssumedAndTheTokenIsSignedAsTheRole() {
        new AwsWireStubs(aws).assumeRole(ACCOUNT, ROLE);
        KubernetesClient client = clients.client(cluster("{name: prod-eu-1, region: eu-central-1, roleArn: \"" + ROLE + "\"}"));

        client.namespaces().list();

        String key = EksTokenVerifier.query(EksTokenVerifier.decode(dispatcher.tokens.getLast())).get("X-Amz-Credential");
        assertThat(key).startsWith(AwsWireStubs.accessKeyFor(ACCOUNT) + "/");
        assertThat(EksTokenVerifier.query(EksTokenVerifier.decode(dispatcher.tokens.getLast())))
                .containsEntry("X-Amz-Security-Token", "demo-session-" + ACCOUNT);
    }

    @Test
    void theTokenIsReSignedBeforeItExpiresAndTheOldOneWouldBeRejected() {
        KubernetesClient client = clients.client(cluster("{name: prod-eu-1, region: eu-central-1}"));
        client.namespaces().list();
        String first = dispatcher.tokens.getLast();

        clock.advance(Duration.ofMinutes(13));
        client.namespaces().list();
        assertThat(dispatcher.tokens.getLast()).as("still valid: reused").isEqualTo(first);

        clock.advance(Duration.ofMinutes(3)); // 16 minutes after signing: STS would reject the first URL
        client.namespaces().list();
        String second = dispatcher.tokens.getLast();
        assertThat(second).isNotEqualTo(first);
        assertThatThrownBy(() -> new EksTokenVerifier("prod-eu-1", sts::get, clock).verify(first))
                .hasMessageContaining("expired");
    }

    @Test
    void anEksClusterThatDoesNotExistNamesTheClusterFileAndField() {
        Resource<ClusterSpec> gone = ClusterFiles.load(tmp.resolve("repo"), "gone-eu-1",
                "    eks: {name: gone-eu-1, region: eu-central-1}");
        assertThatThrownBy(() -> clients.client(gone)).isInstanceOf(ConnectionException.class)
                .hasMessageStartingWith("clusters/gone-eu-1.yaml:8:")
                .hasMessageContaining("spec.connection.eks.name: cluster gone-eu-1: EKS has no cluster named gone-eu-1 "
                        + "in eu-central-1 (as the default credentials): No cluster found for name: gone-eu-1.");
    }

    @Test
    void aRoleThatCannotBeAssumedNamesTheRoleField() {
        new AwsWireStubs(aws).assumeRoleDenied(ROLE);
        assertThatThrownBy(() -> clients.client(cluster("{name: prod-eu-1, region: eu-central-1, roleArn: \"" + ROLE + "\"}")))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("spec.connection.eks.roleArn: cluster prod-eu-1: STS AssumeRole " + ROLE
                        + " failed: AccessDenied: User: arn:aws:iam::000000000000:user/kubechores is not authorized");
    }
}
