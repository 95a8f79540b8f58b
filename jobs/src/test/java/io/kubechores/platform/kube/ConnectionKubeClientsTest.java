package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.Config;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.kube.ConnectionKubeClients.ConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection that cannot be made fails its cluster with file:line:col: field: and what is missing, and never
 * falls back to the pod's ServiceAccount (fabric8's Config.autoConfigure does: a context it cannot find leaves the
 * in-cluster defaults, and every cluster then fails with UnknownHostException kubernetes.default.svc). Each case
 * runs "inside a pod" (KUBERNETES_SERVICE_HOST set, a ServiceAccount token mounted) so a fallback would show.
 */
class ConnectionKubeClientsTest {
    @TempDir
    Path tmp;

    static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
              - name: staging
                cluster: {server: "https://staging.example.test:6443"}
            users:
              - name: staging
                user: {token: kubeconfig-token}
            contexts:
              - name: staging-eu-1
                context: {cluster: staging, user: staging}
            current-context: staging-eu-1
            """;

    /** @param kubeconfigAt where the kubeconfig is written: "home", "env" (KUBECONFIG), or "none" */
    record Case(String name, String connection, String kubeconfigAt, Map<String, String> secrets,
                String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> failures() {
        return List.of(
                new Case("context not in kubeconfig", "    kubeconfigContext: prod-eu-1", "home", Map.of(),
                        "spec.connection.kubeconfigContext", "context \"prod-eu-1\" is not in kubeconfig"),
                new Case("context not in the KUBECONFIG files", "    kubeconfigContext: prod-eu-1", "env", Map.of(),
                        "spec.connection.kubeconfigContext", "(it has: staging-eu-1, staging-us-1)"),
                new Case("no kubeconfig at all", "    kubeconfigContext: prod-eu-1", "none", Map.of(),
                        "spec.connection.kubeconfigContext", "no kubeconfig found"),
                new Case("kubeconfigPath does not exist",
                        "    kubeconfigContext: staging-eu-1\n    kubeconfigPath: /nonexistent/kubeconfig", "home",
                        Map.of(), "spec.connection.kubeconfigPath", "not a kubeconfig: /nonexistent/kubeconfig (only files in $KUBECONFIG"),
                new Case("token env not set", "    apiUrl: https://prod.example.test:6443\n    tokenEnv: PROD_EU_1_TOKEN",
                        "home", Map.of(), "spec.connection.tokenEnv", "environment variable PROD_EU_1_TOKEN is not set"),
                new Case("CA file missing",
                        "    apiUrl: https://prod.example.test:6443\n    tokenEnv: PROD_EU_1_TOKEN\n    caFile: /nonexistent/ca.pem",
                        "home", Map.of("PROD_EU_1_TOKEN", "t0ken"), "spec.connection.caFile",
                        "not a CA bundle: /nonexistent/ca.pem (only files in"),
                new Case("EKS without AWS access", "    eks: {name: prod-eu-1, region: eu-central-1}", "home", Map.of(),
                        "spec.connection.eks", "EKS connections are not available"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aConnectionThatCannotBeMadeNamesTheFileAndFieldAndDoesNotFallBackToInCluster(Case c) throws IOException {
        Map<String, String> env = inAPod();
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        switch (c.kubeconfigAt()) {
            case "home" -> write(home.resolve(".kube/config"), KUBECONFIG);
            case "env" -> {
                write(tmp.resolve("a.yaml"), KUBECONFIG);
                write(tmp.resolve("b.yaml"), KUBECONFIG.replace("staging-eu-1", "staging-us-1"));
                env.put("KUBECONFIG", tmp.resolve("a.yaml") + java.io.File.pathSeparator + tmp.resolve("b.yaml"));
            }
            default -> { }
        }
        Resource<ClusterSpec> cluster = ClusterFiles.load(tmp.resolve("repo"), "prod-eu-1", c.connection());
        var clients = new ConnectionKubeClients(SecretSource.of(c.secrets()), 1000, null, env, home,
                serviceAccount(), Clock.systemUTC());

        assertThatThrownBy(() -> clients.client(cluster))
                .isInstanceOf(ConnectionException.class)
                .hasMessageStartingWith("clusters/prod-eu-1.yaml:")
                .hasMessageContaining(": " + c.field() + ": cluster prod-eu-1: ")
                .hasMessageContaining(c.message())
                .hasMessageNotContaining("kubernetes.default.svc")
                .hasMessageNotContaining("sa-token");
        // the line named is the line the field is written on
        String msg = org.assertj.core.api.Assertions.catchThrowable(() -> clients.client(cluster)).getMessage();
        int line = Integer.parseInt(msg.split(":")[1]);
        String key = c.field().substring(c.field().lastIndexOf('.') + 1);
        assertThat(Files.readAllLines(tmp.resolve("repo/clusters/prod-eu-1.yaml")).get(line - 1)).contains(key);
    }

    @Test
    void aContextInTheKubeconfigIsUsedAndNotTheServiceAccount() throws IOException {
        Path home = tmp.resolve("home");
        write(home.resolve(".kube/config"), KUBECONFIG);
        Resource<ClusterSpec> cluster = ClusterFiles.load(tmp.resolve("repo"), "staging-eu-1",
                "    kubeconfigContext: staging-eu-1");
        Config config = new ConnectionKubeClients(SecretSource.of(Map.of()), 1000, null, inAPod(), home,
                serviceAccount(), Clock.systemUTC()).config(cluster);
        assertThat(config.getMasterUrl()).startsWith("https://staging.example.test:6443");
        assertThat(config.getAutoOAuthToken()).isEqualTo("kubeconfig-token");
    }

    @Test
    void inClusterUsesTheMountedServiceAccountOnlyWhenTheClusterSaysSo() throws IOException {
        Resource<ClusterSpec> cluster = ClusterFiles.load(tmp.resolve("repo"), "local", "    inCluster: true");
        Config config = new ConnectionKubeClients(SecretSource.of(Map.of()), 1000, null, inAPod(),
                tmp.resolve("home"), serviceAccount(), Clock.systemUTC()).config(cluster);
        assertThat(config.getMasterUrl()).startsWith("https://10.100.0.1:443");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("sa-token");

        var outside = new ConnectionKubeClients(SecretSource.of(Map.of()), 1000, null, Map.<String, String>of(),
                tmp.resolve("home"), tmp.resolve("no-sa"), Clock.systemUTC());
        assertThatThrownBy(() -> outside.client(cluster)).isInstanceOf(ConnectionException.class)
                .hasMessageMatching("clusters/local\\.yaml:\\d+:\\d+: spec\\.connection\\.inCluster: cluster local: "
                        + "inCluster: true, but this process does not run in a pod.*");
    }

    @Test
    void apiUrlWithItsTokenFromTheEnvironment() throws IOException {
        Resource<ClusterSpec> cluster = ClusterFiles.load(tmp.resolve("repo"), "prod-eu-1",
                "    apiUrl: https://prod.example.test:6443\n    tokenEnv: PROD_EU_1_TOKEN");
        Config config = new ConnectionKubeClients(SecretSource.of(Map.of("PROD_EU_1_TOKEN", "t0ken")), 1000, null,
                inAPod(), tmp.resolve("home"), serviceAccount(), Clock.systemUTC()).config(cluster);
        assertThat(config.getMasterUrl()).startsWith("https://prod.example.test:6443");
        assertThat(config.getOauthToken()).isEqualTo("t0ken");
    }

    private Map<String, String> inAPod() {
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", "10.100.0.1");
        env.put("KUBERNETES_SERVICE_PORT", "443");
        return env;
    }

    private Path serviceAccount() throws IOException {
        Path sa = tmp.resolve("sa");
        write(sa.resolve("token"), "sa-token");
        write(sa.resolve("namespace"), "kubechores");
        return sa;
    }

    private static void write(Path p, String s) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, s);
    }
}
