package io.kubechores.platform.kube;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.FieldLocations;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Location;
import io.kubechores.desiredstate.Metadata;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 21: {@code connection.kubeconfigPath: /etc/passwd} put the start of that file into plans, history and
 * reports. Paths a Cluster names are read only from $KUBECONFIG's files, ~/.kube and $KUBECHORES_SECRETS_DIR, and a
 * wrong file is "not a kubeconfig: PATH" without a word of its content.
 */
class KubeconfigFilesTest {
    static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
              - name: c
                cluster: {server: "https://127.0.0.1:6443"}
            contexts:
              - name: ctx
                context: {cluster: c, user: u}
            users:
              - name: u
                user: {token: not-a-real-token}
            current-context: ctx
            """;

    @TempDir
    Path tmp;

    record Places(KubeconfigFiles files, Path home, Path secrets, Path listed, Path outside) {}

    Places places() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.createDirectories(home.resolve(".kube"));
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Path listed = tmp.resolve("listed-config");
        Files.writeString(listed, KUBECONFIG);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(outside.resolve("config"), KUBECONFIG);
        KubeconfigFiles f = new KubeconfigFiles(Map.of("KUBECONFIG", listed + File.pathSeparator + tmp.resolve("absent"),
                KubeconfigFiles.SECRETS_DIR_ENV, secrets.toString()), home.toString());
        return new Places(f, home, secrets, listed, outside);
    }

    @Test
    void readsFromTheAllowedPlacesOnly() throws Exception {
        Places p = places();
        Files.writeString(p.home().resolve(".kube/prod"), KUBECONFIG);
        Files.writeString(p.secrets().resolve("kubeconfig"), KUBECONFIG);

        assertThat(p.files().kubeconfig(p.listed().toString())).isEqualTo(KUBECONFIG);
        assertThat(p.files().kubeconfig(p.home().resolve(".kube/prod").toString())).isEqualTo(KUBECONFIG);
        assertThat(p.files().kubeconfig(p.secrets().resolve("kubeconfig").toString())).isEqualTo(KUBECONFIG);
    }

    @Test
    void everyOtherFileIsNotAKubeconfigAndNothingOfItIsShown() throws Exception {
        Places p = places();
        Files.writeString(p.secrets().resolve("token"), "eyJhbGciOiJSUzI1NiJ9.secret-token-value\n");
        Files.writeString(p.secrets().resolve("list.yaml"), "- a\n- b\n");
        Files.createSymbolicLink(p.home().resolve(".kube/linked"), p.outside().resolve("config"));
        String allowed = " (only files in $KUBECONFIG, ~/.kube or $KUBECHORES_SECRETS_DIR are read)";
        record Case(String path, String message) {}
        for (Case c : List.of(
                new Case(p.outside().resolve("passwd").toString(), "not a kubeconfig: " + p.outside().resolve("passwd") + allowed),
                new Case(p.outside().resolve("config").toString(), "not a kubeconfig: " + p.outside().resolve("config") + allowed),
                new Case(p.home().resolve(".kube/linked").toString(), "not a kubeconfig: " + p.home().resolve(".kube/linked") + allowed),
                new Case(p.secrets().resolve("../outside/passwd").toString(), "not a kubeconfig: " + p.secrets().resolve("../outside/passwd") + allowed),
                new Case(p.secrets().resolve("token").toString(), "not a kubeconfig: " + p.secrets().resolve("token")),
                new Case(p.secrets().resolve("list.yaml").toString(), "not a kubeconfig: " + p.secrets().resolve("list.yaml")),
                new Case(p.secrets().resolve("missing").toString(), "not a kubeconfig: " + p.secrets().resolve("missing") + allowed),
                new Case(p.secrets().toString(), "not a kubeconfig: " + p.secrets()))) {
            assertThatThrownBy(() -> p.files().kubeconfig(c.path())).as(c.path())
                    .isInstanceOf(KubeconfigFiles.KubeconfigException.class).hasMessage(c.message()).hasNoCause();
        }
        assertThatThrownBy(() -> p.files().caBundle(p.secrets().resolve("token").toString()))
                .hasMessage("not a CA bundle: " + p.secrets().resolve("token"));
    }

    @Test
    void aClusterNamingEtcPasswdFailsWithThePathOnly() throws Exception {
        Places p = places();
        Path passwd = p.outside().resolve("passwd");
        var cluster = new Resource<>(Kind.CLUSTER, new Metadata("evil", Map.of(), Map.of()),
                new ClusterSpec("prod", new ClusterSpec.Connection("ctx", passwd.toString(), false, null, null, null),
                        null, null, null), new Location("clusters/evil.yaml", 1, 1),
                FieldLocations.of(new Location("clusters/evil.yaml", 1, 1)));
        try (var clients = new ConnectionKubeClients(SecretSource.of(Map.of()), 1000, p.files())) {
            assertThatThrownBy(() -> clients.client(cluster))
                    // the cluster file and field first (ConnectionKubeClients), then the path and nothing of the file
                    .hasMessageStartingWith("clusters/evil.yaml:1:1: spec.connection.kubeconfigPath: cluster evil: "
                            + "not a kubeconfig: " + passwd)
                    .hasMessageNotContaining("root:").hasNoCause();
        }
    }

    @Test
    void aWrongContextInAnAllowedKubeconfigNamesPathAndContextOnly() throws Exception {
        Places p = places();
        var cluster = new Resource<>(Kind.CLUSTER, new Metadata("c", Map.of(), Map.of()),
                new ClusterSpec("prod", new ClusterSpec.Connection("nope", p.listed().toString(), false, null, null, null),
                        null, null, null), new Location("clusters/c.yaml", 1, 1),
                FieldLocations.of(new Location("clusters/c.yaml", 1, 1)));
        try (var clients = new ConnectionKubeClients(SecretSource.of(Map.of()), 1000, p.files())) {
            // fabric8 either refuses the context (our message: path and context) or builds a client without it;
            // whatever fails, no message in the chain carries the kubeconfig's token
            try {
                clients.client(cluster);
            } catch (RuntimeException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    assertThat(String.valueOf(t.getMessage())).doesNotContain("not-a-real-token");
                }
                if (e instanceof KubeconfigFiles.KubeconfigException) {
                    assertThat(e).hasMessage("not a usable kubeconfig: " + p.listed() + " (context nope)");
                }
            }
        }
    }
}
