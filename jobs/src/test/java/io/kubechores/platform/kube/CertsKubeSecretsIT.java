package io.kubechores.platform.kube;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Secret scan asks the API server to leave out types that cannot hold certificates (Kubernetes docs, "Field
 * Selectors": Secret supports the {@code type} field, operators {@code =}, {@code ==}, {@code !=}, requirements
 * comma-separated and ANDed), pages with limit/continue, and reads service-account tokens from kube-system only.
 * The simulated API server (fabric8 mock, CRUD mode, paging) applies the selector like a real one.
 */
class CertsKubeSecretsIT {
    static KubernetesMockServer server;
    static PagingCrudDispatcher dispatcher;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        dispatcher = new PagingCrudDispatcher();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        String pem = PkiMaker.cert("some-ca").ca().issue().pem();
        secret("apps", "web-tls", "kubernetes.io/tls", "tls.crt", pem);
        secret("apps", "bundle", "Opaque", "ca.pem", pem);
        secret("istio-system", "cacerts", "istio.io/key-and-cert", "root-cert.pem", pem);
        // a Helm release whose manifest happens to contain a certificate: never listed, never decoded
        secret("apps", "sh.helm.release.v1.web.v7", "helm.sh/release.v1", "release", pem);
        secret("apps", "builder-token", "kubernetes.io/service-account-token", "ca.crt", pem);
        secret("kube-system", "legacy-token", "kubernetes.io/service-account-token", "ca.crt", pem);
        secret("apps", "registry", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", pem);
        for (int i = 0; i < 7; i++) secret("apps", "plain-" + i, "Opaque", "value", "not a certificate " + i);
    }

    static void secret(String ns, String name, String type, String key, String value) {
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).endMetadata().withType(type).addToData(key, PkiMaker.base64(value)).build())
                .create();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void listsOnlySecretTypesThatCanHoldCertificatesInPages() {
        List<String> found = new ArrayList<>();
        var stats = new CertsKube(client).scanSecrets(3, o -> found.add(o.namespace() + "/" + o.name()));
        assertThat(found).containsExactlyInAnyOrder("apps/web-tls", "apps/bundle", "istio-system/cacerts",
                "kube-system/legacy-token");
        assertThat(stats.objects()).as("the server filtered: only 10 cluster-wide + 1 kube-system token sent")
                .isEqualTo(11);
        List<String> paths = dispatcher.listPaths.stream().map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8))
                .toList();
        assertThat(paths).filteredOn(p -> p.startsWith("/api/v1/secrets?")).hasSize(4) // 10 objects, pages of 3
                .allSatisfy(p -> assertThat(p).contains("fieldSelector=type!=helm.sh/release.v1,")
                        .contains("type!=kubernetes.io/service-account-token"));
        assertThat(paths).filteredOn(p -> p.startsWith("/api/v1/namespaces/kube-system/secrets?")).singleElement()
                .satisfies(p -> assertThat(p).contains("fieldSelector=type=kubernetes.io/service-account-token"));
    }
}
