package io.kubechores.platform.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.FieldLocations;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.EksClusters;
import io.kubechores.platform.aws.EksTokens;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Builds clients from each Cluster's connection: kubeconfig context, in-cluster ServiceAccount, API URL + token, or
 * EKS (DescribeCluster + a presigned STS token, see {@link EksTokens}). Nothing is guessed: a context that is not in
 * the kubeconfig, a kubeconfig or CA file that does not exist, a token env var that is not set, or in-cluster
 * outside a pod fails that cluster with a {@link ConnectionException} naming the cluster file, line and field. The
 * client never falls back to the pod's ServiceAccount unless the Cluster says {@code inCluster: true} (fabric8's
 * auto-configuration does that silently, so it is not used).
 */
public final class ConnectionKubeClients implements KubeClients {
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    /** The ServiceAccount token kubelet projects into every pod (rotated: re-read, never cached for long). */
    static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private final SecretSource secrets;
    private final int requestTimeoutMillis;
    private final Duration requestDeadline;
    private final KubeconfigFiles kubeconfigFiles;
    private final EksClusters eks;
    private final Map<String, String> env;
    private final Path userHome;
    private final Path serviceAccountDir;
    private final Clock clock;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();
    private final Map<String, String> abandoned = new ConcurrentHashMap<>();

    /** A connection the Cluster describes but that cannot be made; the message starts with file:line:col: field:. */
    public static final class ConnectionException extends RuntimeException {
        public ConnectionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Each request's total deadline (body included) is twice its idle timeout. */
    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis) {
        this(secrets, requestTimeoutMillis, Duration.ofMillis(2L * requestTimeoutMillis), KubeconfigFiles.fromEnvironment(), null);
    }

    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, KubeconfigFiles kubeconfigFiles) {
        this(secrets, requestTimeoutMillis, Duration.ofMillis(2L * requestTimeoutMillis), kubeconfigFiles, null);
    }

    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, Duration requestDeadline) {
        this(secrets, requestTimeoutMillis, requestDeadline, KubeconfigFiles.fromEnvironment(), null);
    }

    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, Duration requestDeadline,
                                 KubeconfigFiles kubeconfigFiles) {
        this(secrets, requestTimeoutMillis, requestDeadline, kubeconfigFiles, null);
    }

    /** @param eks EKS lookups for `connection.eks` clusters (null: such clusters fail with a clear message) */
    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, EksClusters eks) {
        this(secrets, requestTimeoutMillis, Duration.ofMillis(2L * requestTimeoutMillis), KubeconfigFiles.fromEnvironment(), eks);
    }

    /**
     * @param requestTimeoutMillis connect timeout, and fabric8's request timeout (an idle timeout, see
     *                             {@link RequestDeadline})
     * @param requestDeadline      total time a request may take, answer body included
     * @param kubeconfigFiles      where kubeconfigPath / caFile may be read from (issue 21)
     * @param eks                  EKS lookups for `connection.eks` clusters (null: such clusters fail clearly)
     */
    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, Duration requestDeadline,
                                 KubeconfigFiles kubeconfigFiles, EksClusters eks) {
        this(secrets, requestTimeoutMillis, requestDeadline, kubeconfigFiles, eks, System.getenv(),
                Path.of(System.getProperty("user.home")), SERVICE_ACCOUNT_DIR, Clock.systemUTC());
    }

    ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, EksClusters eks, Map<String, String> env,
                          Path userHome, Path serviceAccountDir, Clock clock) {
        this(secrets, requestTimeoutMillis, Duration.ofMillis(2L * requestTimeoutMillis),
                new KubeconfigFiles(env, userHome.toString()), eks, env, userHome, serviceAccountDir, clock);
    }

    ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, Duration requestDeadline,
                          KubeconfigFiles kubeconfigFiles, EksClusters eks, Map<String, String> env, Path userHome,
                          Path serviceAccountDir, Clock clock) {
        this.secrets = secrets;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.requestDeadline = requestDeadline;
        this.kubeconfigFiles = kubeconfigFiles;
        this.eks = eks;
        this.env = env;
        this.userHome = userHome;
        this.serviceAccountDir = serviceAccountDir;
        this.clock = clock;
    }

    @Override
    public KubernetesClient client(Resource<ClusterSpec> cluster) {
        String why = abandoned.get(cluster.name());
        if (why != null) throw new IllegalStateException("cluster " + cluster.name() + " abandoned by this run: " + why);
        // a failure is not cached: the next call (next run, doctor) tries again and says what is wrong again
        return clients.computeIfAbsent(cluster.name(), n -> build(cluster));
    }

    /** Total time one request may take, body included. */
    public Duration requestDeadline() {
        return requestDeadline;
    }

    @Override
    public void abandon(String cluster, String reason) {
        abandoned.put(cluster, reason);
        KubernetesClient c = clients.remove(cluster);
        if (c != null) c.close(); // fails the requests in flight
    }

    /** The fabric8 Config for a cluster (doctor and tests read it without building a client). */
    Config config(Resource<ClusterSpec> cluster) {
        ClusterSpec.Connection c = cluster.spec().connection();
        Config config = switch (c.kind()) {
            case "eks" -> eksConfig(cluster, c.eks());
            case "kubeconfigContext" -> kubeconfigConfig(cluster, c);
            case "inCluster" -> inClusterConfig(cluster);
            case "apiUrl" -> apiUrlConfig(cluster, c);
            default -> throw fail(cluster, "/spec/connection", "no connection: set exactly one of kubeconfigContext, "
                    + "inCluster: true, apiUrl with tokenEnv, or eks", null);
        };
        config.setRequestTimeout(requestTimeoutMillis);
        config.setConnectionTimeout(requestTimeoutMillis);
        config.setRequestRetryBackoffLimit(1);
        return config;
    }

    private KubernetesClient build(Resource<ClusterSpec> cluster) {
        // one JSON (de)serializer for every cluster: each builds large model caches otherwise (heap at 150 clusters)
        return new KubernetesClientBuilder().withConfig(config(cluster)).withKubernetesSerialization(SERIALIZATION)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(RequestDeadline.NAME,
                        new RequestDeadline(requestDeadline)))
                .build();
    }

    private Config kubeconfigConfig(Resource<ClusterSpec> cluster, ClusterSpec.Connection c) {
        if (c.kubeconfigPath() != null) {
            // the path comes from the repo: only the allowed places, and never a word of a wrong file's content
            try {
                kubeconfigFiles.kubeconfig(c.kubeconfigPath()); // allowed place, size, looks like a kubeconfig
            } catch (KubeconfigFiles.KubeconfigException e) {
                // no cause: the message says all (the path, never the file's content)
                throw fail(cluster, "/spec/connection/kubeconfigPath", e.getMessage(), null);
            }
            List<String> seen = new ArrayList<>();
            Path file = Path.of(c.kubeconfigPath());
            io.fabric8.kubernetes.api.model.Config parsed;
            try { // parsed from the file (checked above) so that its relative paths resolve against it
                parsed = KubeConfigUtils.parseConfig(file.toFile());
            } catch (RuntimeException e) {
                throw fail(cluster, "/spec/connection/kubeconfigPath", "not a kubeconfig: " + c.kubeconfigPath(), null);
            }
            if (!hasContext(parsed, c.kubeconfigContext(), seen)) throw notInKubeconfig(cluster, c, List.of(file), seen);
            return merged(cluster, c, List.of(file), List.of(parsed));
        }
        List<Path> files = new ArrayList<>();
        String kc = env.get("KUBECONFIG");
        if (kc != null && !kc.isBlank()) {
            // kubectl: $KUBECONFIG is a list of files (the OS path separator), empty entries and missing files ignored
            for (String f : kc.split(File.pathSeparator)) if (!f.isBlank()) files.add(Path.of(f));
        } else {
            files.add(userHome.resolve(".kube").resolve("config"));
        }
        List<Path> existing = files.stream().filter(Files::isRegularFile).toList();
        if (existing.isEmpty()) {
            throw fail(cluster, "/spec/connection/kubeconfigContext", "no kubeconfig found (looked at "
                    + (kc != null && !kc.isBlank() ? "KUBECONFIG=" + kc : files.getFirst()) + ")", null);
        }
        List<String> seen = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.Config> parsed = new ArrayList<>();
        boolean found = false;
        for (Path f : existing) {
            io.fabric8.kubernetes.api.model.Config one;
            try { // kubectl: a file that cannot be deserialized is an error, not skipped
                one = KubeConfigUtils.parseConfig(f.toFile());
            } catch (RuntimeException e) {
                throw fail(cluster, "/spec/connection/kubeconfigContext", "not a kubeconfig: " + f, null);
            }
            parsed.add(one);
            found |= hasContext(one, c.kubeconfigContext(), seen);
        }
        if (!found) throw notInKubeconfig(cluster, c, existing, seen);
        return merged(cluster, c, existing, parsed);
    }

    /** The context from the files merged like kubectl (KubeconfigMerge); its cluster and user must exist. */
    private Config merged(Resource<ClusterSpec> cluster, ClusterSpec.Connection c, List<Path> files,
                          List<io.fabric8.kubernetes.api.model.Config> parsed) {
        try {
            return KubeconfigMerge.config(c.kubeconfigContext(), files, parsed);
        } catch (KubeconfigMerge.MergeException e) {
            throw fail(cluster, "/spec/connection/kubeconfigContext", e.getMessage(), null);
        } catch (RuntimeException e) { // e.g. an exec plugin that cannot run: fabric8's message may quote the file
            throw fail(cluster, "/spec/connection/kubeconfigContext", "not a usable kubeconfig: "
                    + (files.size() == 1 ? files.getFirst() : files) + " (context " + c.kubeconfigContext() + ")", null);
        }
    }

    private static boolean hasContext(io.fabric8.kubernetes.api.model.Config parsed, String context, List<String> seen) {
        if (parsed == null || parsed.getContexts() == null) return false;
        for (NamedContext nc : parsed.getContexts()) {
            if (context.equals(nc.getName())) return true;
            if (seen.size() < 10) seen.add(nc.getName());
        }
        return false;
    }

    private ConnectionException notInKubeconfig(Resource<ClusterSpec> cluster, ClusterSpec.Connection c, List<Path> files,
                                                List<String> seen) {
        return fail(cluster, "/spec/connection/kubeconfigContext", "context \"" + c.kubeconfigContext()
                + "\" is not in " + (files.size() == 1 ? "kubeconfig " + files.getFirst() : "the kubeconfigs " + files)
                + (seen.isEmpty() ? " (it has no contexts)" : " (it has: " + String.join(", ", seen) + ")"), null);
    }

    private Config inClusterConfig(Resource<ClusterSpec> cluster) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.get("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isBlank()) {
            throw fail(cluster, "/spec/connection/inCluster", "inCluster: true, but this process does not run in a pod "
                    + "(KUBERNETES_SERVICE_HOST is not set); use kubeconfigContext, apiUrl or eks for a remote cluster", null);
        }
        Path token = serviceAccountDir.resolve("token");
        Path ca = serviceAccountDir.resolve("ca.crt");
        if (!Files.isReadable(token)) {
            throw fail(cluster, "/spec/connection/inCluster", "inCluster: true, but the pod has no ServiceAccount token at "
                    + token + " (automountServiceAccountToken: false?)", null);
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        ConfigBuilder b = new ConfigBuilder(Config.empty())
                .withMasterUrl("https://" + hostPart + ":" + (port == null || port.isBlank() ? "443" : port))
                .withOauthTokenProvider(new FileTokenProvider(token, clock));
        if (Files.isReadable(ca)) b.withCaCertFile(ca.toString());
        String ns = readOrNull(serviceAccountDir.resolve("namespace"));
        if (ns != null) b.withNamespace(ns.strip());
        return b.build();
    }

    private Config apiUrlConfig(Resource<ClusterSpec> cluster, ClusterSpec.Connection c) {
        if (c.tokenEnv() == null) {
            throw fail(cluster, "/spec/connection/apiUrl", "apiUrl needs tokenEnv: the environment variable holding "
                    + "the bearer token", null);
        }
        String token = secrets.get(c.tokenEnv()).orElseThrow(() -> fail(cluster, "/spec/connection/tokenEnv",
                "environment variable " + c.tokenEnv() + " is not set (it holds the bearer token for "
                        + c.apiUrl() + ")", null));
        ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(c.apiUrl()).withOauthToken(token);
        if (c.caFile() != null) {
            try {
                b.withCaCertFile(kubeconfigFiles.caBundle(c.caFile()).toString());
            } catch (KubeconfigFiles.KubeconfigException e) {
                throw fail(cluster, "/spec/connection/caFile", e.getMessage(), null);
            }
        }
        return b.build();
    }

    private Config eksConfig(Resource<ClusterSpec> cluster, ClusterSpec.Eks e) {
        if (eks == null) {
            throw fail(cluster, "/spec/connection/eks", "EKS connections are not available in this process", null);
        }
        EksClusters.ApiEndpoint endpoint;
        try {
            endpoint = eks.describe(e.name(), e.region(), e.roleArn());
        } catch (RuntimeException ex) {
            String field = ex.getMessage() != null && e.roleArn() != null && ex.getMessage().contains("AssumeRole")
                    ? "/spec/connection/eks/roleArn" : "/spec/connection/eks/name";
            throw fail(cluster, field, ex.getMessage(), ex);
        }
        ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(endpoint.url())
                .withOauthTokenProvider(new EksTokenProvider(() -> eks.token(e.name(), e.region(), e.roleArn(), clock),
                        clock));
        if (endpoint.caData() != null) b.withCaCertData(endpoint.caData());
        return b.build();
    }

    private ConnectionException fail(Resource<ClusterSpec> cluster, String pointer, String message, Throwable cause) {
        return new ConnectionException(cluster.locationOf(pointer) + ": " + FieldLocations.fieldPath(pointer) + ": "
                + "cluster " + cluster.name() + ": " + message, cause);
    }

    private static String readOrNull(Path p) {
        try {
            return Files.isReadable(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** An EKS token, re-signed when the current one is about to expire (14 minutes after signing). */
    static final class EksTokenProvider implements OAuthTokenProvider {
        private final Supplier<EksTokens.EksToken> signer;
        private final Clock clock;
        private EksTokens.EksToken current;

        EksTokenProvider(Supplier<EksTokens.EksToken> signer, Clock clock) {
            this.signer = signer;
            this.clock = clock;
        }

        @Override
        public synchronized String getToken() {
            if (current == null || !current.usableAt(clock.instant())) current = signer.get();
            return current.value();
        }
    }

    /** The pod's projected ServiceAccount token, re-read every minute (kubelet rotates it). */
    static final class FileTokenProvider implements OAuthTokenProvider {
        private final Path file;
        private final Clock clock;
        private String token;
        private Instant readAt = Instant.MIN;

        FileTokenProvider(Path file, Clock clock) {
            this.file = file;
            this.clock = clock;
        }

        @Override
        public synchronized String getToken() {
            Instant now = clock.instant();
            if (token == null || Duration.between(readAt, now).toSeconds() >= 60) {
                try {
                    token = Files.readString(file).strip();
                    readAt = now;
                } catch (IOException e) {
                    if (token == null) throw new IllegalStateException("cannot read ServiceAccount token " + file, e);
                }
            }
            return token;
        }
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        clients.clear();
        if (eks != null) eks.close();
    }
}
