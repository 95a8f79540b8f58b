package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.Config;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * $KUBECONFIG with several files, merged like kubectl. The rules, from the Kubernetes docs "Organizing Cluster Access
 * Using kubeconfig Files" (kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/, "Merging
 * kubeconfig files" and "File references"):
 * <ol>
 *   <li>$KUBECONFIG is a list of files; empty file names are ignored (and so are files that do not exist:
 *       client-go's ClientConfigLoadingRules skips a missing file of the precedence list);</li>
 *   <li>a file whose content cannot be deserialized is an error;</li>
 *   <li>the first file to set a particular map key wins, and the value is never changed: "If two files specify a
 *       red-user, use only values from the first file's red-user. Even if the second file has non-conflicting
 *       entries under red-user, discard them";</li>
 *   <li>the context's cluster and user are looked up in the merged kubeconfig, so they may come from another file;</li>
 *   <li>"File and path references in a kubeconfig file are relative to the location of the kubeconfig file".</li>
 * </ol>
 * And client-go's clientcmd validation: a context whose cluster or user no file defines is an error
 * ("cluster %q was not found for context %q"), never the in-cluster default.
 * Each row: the files (in $KUBECONFIG order), the Cluster's context, then the server/token/CA expected, or the error.
 */
class KubeconfigMergeTest {
    @TempDir Path tmp;

    record Row(String name, Map<String, String> files, String kubeconfigEnv, String context, String server,
               String token, String caFile, String clientCertFile, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String cluster(String name, String server) {
        return "  - name: " + name + "\n    cluster: {server: \"" + server + "\"}\n";
    }

    static String cfg(String clusters, String users, String contexts, String current) {
        return "apiVersion: v1\nkind: Config\n"
                + (clusters.isEmpty() ? "" : "clusters:\n" + clusters)
                + (users.isEmpty() ? "" : "users:\n" + users)
                + (contexts.isEmpty() ? "" : "contexts:\n" + contexts)
                + (current == null ? "" : "current-context: " + current + "\n");
    }

    static String user(String name, String body) {
        return "  - name: " + name + "\n    user: " + body + "\n";
    }

    static String context(String name, String cluster, String user) {
        return "  - name: " + name + "\n    context: {cluster: " + cluster + ", user: " + user + "}\n";
    }

    static Map<String, String> files(String... nameAndText) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndText.length; i += 2) m.put(nameAndText[i], nameAndText[i + 1]);
        return m;
    }

    static List<Row> rows() {
        String sep = File.pathSeparator;
        return List.of(
                new Row("context in one file, its cluster and user in another (rule 4)",
                        files("a.yaml", cfg("", "", context("prod-eu-1", "prod", "bot"), null),
                                "b.yaml", cfg(cluster("prod", "https://prod.example.test:6443"), user("bot", "{token: b-token}"), "", null)),
                        "a.yaml" + sep + "b.yaml", "prod-eu-1", "https://prod.example.test:6443/", "b-token", null, null, null),
                new Row("the same context in two files: the first file's (rule 3)",
                        files("a.yaml", cfg(cluster("a", "https://a.example.test"), user("u", "{token: a-token}"), context("prod-eu-1", "a", "u"), null),
                                "b.yaml", cfg(cluster("b", "https://b.example.test"), user("v", "{token: b-token}"), context("prod-eu-1", "b", "v"), null)),
                        "a.yaml" + sep + "b.yaml", "prod-eu-1", "https://a.example.test/", "a-token", null, null, null),
                new Row("the context from the second file, its cluster name set by both: the first file's cluster (rule 3)",
                        files("a.yaml", cfg(cluster("prod", "https://first.example.test"), "", "", null),
                                "b.yaml", cfg(cluster("prod", "https://second.example.test"), user("bot", "{token: b-token}"),
                                        context("prod-eu-1", "prod", "bot"), null)),
                        "a.yaml" + sep + "b.yaml", "prod-eu-1", "https://first.example.test/", "b-token", null, null, null),
                new Row("a user in two files: only the first file's entries, even non-conflicting ones (rule 3)",
                        files("a.yaml", cfg(cluster("prod", "https://prod.example.test"), user("bot", "{token: a-token}"),
                                        context("prod-eu-1", "prod", "bot"), null),
                                "b.yaml", cfg("", user("bot", "{client-certificate: b.crt, client-key: b.key}"), "", null)),
                        "a.yaml" + sep + "b.yaml", "prod-eu-1", "https://prod.example.test/", "a-token", null, "<none>", null),
                new Row("relative file references resolve against the file that holds them (rule 5)",
                        files("a.yaml", cfg("", user("bot", "{token: a-token}"), context("prod-eu-1", "prod", "bot"), null),
                                "certs/b.yaml", cfg("  - name: prod\n    cluster: {server: \"https://prod.example.test\", certificate-authority: ca.pem}\n",
                                        "", "", null)),
                        "a.yaml" + sep + "certs/b.yaml", "prod-eu-1", "https://prod.example.test/", "a-token", "certs/ca.pem", null, null),
                new Row("empty entries and missing files in $KUBECONFIG are skipped (rule 1)",
                        files("b.yaml", cfg(cluster("prod", "https://prod.example.test"), user("bot", "{token: b-token}"),
                                context("prod-eu-1", "prod", "bot"), null)),
                        "missing.yaml" + sep + sep + "b.yaml", "prod-eu-1", "https://prod.example.test/", "b-token", null, null, null),
                new Row("current-context plays no part: the Cluster names its context",
                        files("a.yaml", cfg(cluster("other", "https://other.example.test") + cluster("prod", "https://prod.example.test"),
                                user("bot", "{token: t}"), context("other", "other", "bot") + context("prod-eu-1", "prod", "bot"), "other")),
                        "a.yaml", "prod-eu-1", "https://prod.example.test/", "t", null, null, null),
                new Row("a context whose cluster no file defines is an error, not the in-cluster default",
                        files("a.yaml", cfg("", user("bot", "{token: t}"), context("prod-eu-1", "prod", "bot"), null),
                                "b.yaml", cfg(cluster("staging", "https://staging.example.test"), "", "", null)),
                        "a.yaml" + sep + "b.yaml", "prod-eu-1", null, null, null, null,
                        "context \"prod-eu-1\" names cluster \"prod\", which none of the kubeconfigs"),
                new Row("a context whose user no file defines is an error",
                        files("a.yaml", cfg(cluster("prod", "https://prod.example.test"), "", context("prod-eu-1", "prod", "bot"), null)),
                        "a.yaml", "prod-eu-1", null, null, null, null,
                        "context \"prod-eu-1\" names user \"bot\", which kubeconfig"),
                new Row("a file that cannot be deserialized is an error, even when a later file has the context (rule 2)",
                        files("a.yaml", "clusters: [: not yaml\n",
                                "b.yaml", cfg(cluster("prod", "https://prod.example.test"), user("bot", "{token: t}"),
                                        context("prod-eu-1", "prod", "bot"), null)),
                        "a.yaml" + sep + "b.yaml", "prod-eu-1", null, null, null, null, "not a kubeconfig: "),
                new Row("a context in none of the files lists what the files have",
                        files("a.yaml", cfg(cluster("x", "https://x.example.test"), "", context("staging-eu-1", "x", "u"), null)),
                        "a.yaml", "prod-eu-1", null, null, null, null,
                        "context \"prod-eu-1\" is not in kubeconfig"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void mergedLikeKubectl(Row r) throws IOException {
        Path dir = tmp.resolve("kube");
        for (var f : r.files().entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        List<String> list = new ArrayList<>();
        for (String f : r.kubeconfigEnv().split(File.pathSeparator, -1)) list.add(f.isEmpty() ? "" : dir.resolve(f).toString());
        Map<String, String> env = new HashMap<>();
        env.put("KUBECONFIG", String.join(File.pathSeparator, list));
        // as in a pod: a fallback to the ServiceAccount would show as kubernetes.default.svc / 10.100.0.1
        env.put("KUBERNETES_SERVICE_HOST", "10.100.0.1");
        env.put("KUBERNETES_SERVICE_PORT", "443");
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Resource<ClusterSpec> cluster = ClusterFiles.load(tmp.resolve("repo"), "prod-eu-1",
                "    kubeconfigContext: " + r.context());
        var clients = new ConnectionKubeClients(SecretSource.of(Map.of()), 1000, null, env, home, tmp.resolve("no-sa"),
                Clock.systemUTC());

        if (r.error() != null) {
            Throwable t = catchThrowable(() -> clients.config(cluster));
            assertThat(t).isInstanceOf(ConnectionKubeClients.ConnectionException.class);
            assertThat(t.getMessage()).startsWith("clusters/prod-eu-1.yaml:")
                    .contains("spec.connection.kubeconfigContext: cluster prod-eu-1: ").contains(r.error())
                    .doesNotContain("kubernetes.default.svc").doesNotContain("not yaml");
            return;
        }
        Config config = clients.config(cluster);
        assertThat(config.getMasterUrl()).isEqualTo(r.server());
        assertThat(config.getAutoOAuthToken()).isEqualTo(r.token());
        if (r.caFile() != null) assertThat(config.getCaCertFile()).isEqualTo(dir.resolve(r.caFile()).toString());
        if ("<none>".equals(r.clientCertFile())) assertThat(config.getClientCertFile()).isNull();
    }
}
