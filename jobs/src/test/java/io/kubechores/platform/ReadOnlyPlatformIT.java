package io.kubechores.platform;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.AwsClientFactory;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.jenkins.JenkinsClient;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.Notifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Platform#readOnly()}, the platform the runner gives every dry run (issue 13): each adapter refuses to mutate
 * before a byte leaves the process, and still reads. Against real servers: fabric8's mock API server in CRUD mode
 * and WireMock standing in for AWS and Jenkins, each counting what reached it.
 */
@EnableKubernetesMockClient(crud = true)
class ReadOnlyPlatformIT {
    static KubernetesClient client;
    static KubernetesMockServer server;
    WireMockServer wire;

    @BeforeEach
    void start() {
        wire = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wire.start();
        wire.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @AfterEach
    void stop() {
        wire.stop();
    }

    private static Resource<ClusterSpec> cluster() {
        return Resource.of(Kind.CLUSTER, "c1", null);
    }

    @Test
    void kubernetesWritesAreRefusedBeforeTheyAreSentAndReadsStillWork() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        Platform ro = new Platform(new StaticKubeClients(Map.of("c1", client)), null, null, null, null, null, null).readOnly();
        KubernetesClient c = ro.kube().client(cluster());
        int before = server.getRequestCount();

        assertThat(c.namespaces().withName("shop").get()).as("reads pass").isNotNull();
        assertThatThrownBy(() -> c.configMaps().inNamespace("shop").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("x").endMetadata().build()).create())
                .hasStackTraceContaining("dry run: refused to POST /api/v1/namespaces/shop/configmaps");
        assertThatThrownBy(() -> c.namespaces().withName("shop").edit(n -> {
            n.getMetadata().setLabels(Map.of("a", "b"));
            return n;
        })).hasStackTraceContaining("dry run: refused to");
        assertThatThrownBy(() -> c.namespaces().withName("shop").delete()).hasStackTraceContaining("dry run: refused to DELETE");

        assertThat(server.getRequestCount() - before).as("only the reads reached the server").isLessThanOrEqualTo(2);
        assertThat(client.configMaps().inNamespace("shop").withName("x").get()).isNull();
        assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels()).doesNotContainKey("a");
        ro.kube().close();
    }

    @Test
    void awsOperationsOtherThanReadsAreRefusedBeforeTheyAreSigned() {
        AwsAccess access = new AwsAccess(wire.baseUrl(), StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), null)
                .asReadOnly();
        try (var clients = new AwsClientFactory(access, "test").forAccount("111111111111", "eu-central-1")) {
            clients.serviceQuotas().listServiceQuotas(b -> b.serviceCode("ec2"));
            assertThatThrownBy(() -> clients.serviceQuotas().requestServiceQuotaIncrease(b -> b.serviceCode("ec2")
                    .quotaCode("L-1216C47A").desiredValue(512.0)))
                    .hasStackTraceContaining("dry run: refused to call AWS ServiceQuotas RequestServiceQuotaIncrease");
            assertThatThrownBy(() -> clients.support().createCase(b -> b.subject("x").communicationBody("y")))
                    .hasStackTraceContaining("dry run: refused to call AWS Support CreateCase");
        }
        assertThat(wire.getAllServeEvents()).as("only the List call was sent").singleElement()
                .satisfies(e -> assertThat(e.getRequest().getHeader("X-Amz-Target")).endsWith(".ListServiceQuotas"));
    }

    @Test
    void jenkinsTriggersAreRefused() {
        JenkinsClient jenkins = new JenkinsClient(new JenkinsAccess(wire.baseUrl(), "bot", "token").asReadOnly(),
                JenkinsClient.Limits.DEFAULT);
        assertThatThrownBy(() -> jenkins.trigger("deploy/loki", Map.of("VERSION", "6.16.0")))
                .hasMessageContaining("dry run: refused to");
        assertThat(wire.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getMethod().getName()).isEqualTo("GET"));
    }

    @Test
    void pullRequestsNotificationsAndStateAreRefusedWhileReadsPass() {
        AtomicInteger upserts = new AtomicInteger();
        PullRequestService forge = new PullRequestService() {
            @Override
            public PullRequestResult upsert(PullRequestRequest request) {
                upserts.incrementAndGet();
                return null;
            }

            @Override
            public Optional<PullRequest> find(String job, String topic) {
                return Optional.empty();
            }

            @Override
            public List<PullRequest> listOpen(String job) {
                return List.of();
            }
        };
        AtomicInteger sent = new AtomicInteger();
        Notifier notifier = new Notifier() {
            @Override
            public void slack(String markdownText) {
                sent.incrementAndGet();
            }

            @Override
            public void pushMetrics(String job, String exposition) {
                sent.incrementAndGet();
            }
        };
        MemoryStateStore state = new MemoryStateStore();
        state.put("certs", "seen", "1");
        Platform ro = new Platform(null, forge, null, null, notifier, state, null).readOnly();

        assertThat(ro.pullRequests().listOpen("rightsize")).isEmpty();
        assertThatThrownBy(() -> ro.pullRequests().upsert(null)).isInstanceOf(DryRunViolation.class);
        assertThatThrownBy(() -> ro.notifier().slack("hi")).isInstanceOf(DryRunViolation.class);
        assertThatThrownBy(() -> ro.notifier().pushMetrics("certs", "x 1")).isInstanceOf(DryRunViolation.class);
        assertThat(ro.state().get("certs", "seen")).contains("1");
        assertThatThrownBy(() -> ro.state().put("certs", "seen", "2")).isInstanceOf(DryRunViolation.class);
        assertThatThrownBy(() -> ro.state().remove("certs", "seen")).isInstanceOf(DryRunViolation.class);
        assertThat(upserts).hasValue(0);
        assertThat(sent).hasValue(0);
        assertThat(state.get("certs", "seen")).contains("1");
    }
}
