package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds clients from each Cluster's connection: kubeconfig context, in-cluster ServiceAccount, or API URL + token. */
public final class ConnectionKubeClients implements KubeClients {
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    private final SecretSource secrets;
    private final int requestTimeoutMillis;
    private final java.time.Duration requestDeadline;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();
    private final Map<String, String> abandoned = new ConcurrentHashMap<>();

    private final KubeconfigFiles kubeconfigFiles;

    /** Each request's total deadline (body included) is twice its idle timeout. */
    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis) {
        this(secrets, requestTimeoutMillis, java.time.Duration.ofMillis(2L * requestTimeoutMillis));
    }

    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, KubeconfigFiles kubeconfigFiles) {
        this(secrets, requestTimeoutMillis, java.time.Duration.ofMillis(2L * requestTimeoutMillis), kubeconfigFiles);
    }

    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, java.time.Duration requestDeadline) {
        this(secrets, requestTimeoutMillis, requestDeadline, KubeconfigFiles.fromEnvironment());
    }

    /**
     * @param requestTimeoutMillis connect timeout, and fabric8's request timeout (an idle timeout, see
     *                             {@link RequestDeadline})
     * @param requestDeadline      total time a request may take, answer body included
     * @param kubeconfigFiles      where kubeconfigPath / caFile may be read from (issue 21)
     */
    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis, java.time.Duration requestDeadline,
                                 KubeconfigFiles kubeconfigFiles) {
        this.secrets = secrets;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.requestDeadline = requestDeadline;
        this.kubeconfigFiles = kubeconfigFiles;
    }

    @Override
    public KubernetesClient client(Resource<ClusterSpec> cluster) {
        String why = abandoned.get(cluster.name());
        if (why != null) throw new IllegalStateException("cluster " + cluster.name() + " abandoned by this run: " + why);
        return clients.computeIfAbsent(cluster.name(), n -> build(cluster.spec().connection()));
    }

    /** Total time one request may take, body included. */
    public java.time.Duration requestDeadline() {
        return requestDeadline;
    }

    @Override
    public void abandon(String cluster, String reason) {
        abandoned.put(cluster, reason);
        KubernetesClient c = clients.remove(cluster);
        if (c != null) c.close(); // fails the requests in flight
    }

    private KubernetesClient build(ClusterSpec.Connection c) {
        Config config;
        if (c.kubeconfigContext() != null) {
            if (c.kubeconfigPath() != null) {
                // the path comes from the repo: only the allowed places, and never a word of a wrong file's content
                String text = kubeconfigFiles.kubeconfig(c.kubeconfigPath());
                try {
                    config = Config.fromKubeconfig(c.kubeconfigContext(), text, c.kubeconfigPath());
                } catch (RuntimeException e) {
                    throw new KubeconfigFiles.KubeconfigException("not a usable kubeconfig: " + c.kubeconfigPath()
                            + " (context " + c.kubeconfigContext() + ")");
                }
            } else {
                config = Config.autoConfigure(c.kubeconfigContext());
            }
        } else if (c.inCluster()) {
            config = Config.autoConfigure(null);
        } else {
            ConfigBuilder b = new ConfigBuilder().withMasterUrl(c.apiUrl());
            secrets.get(c.tokenEnv()).ifPresent(b::withOauthToken);
            if (c.caFile() != null) b.withCaCertFile(kubeconfigFiles.caBundle(c.caFile()).toString());
            config = b.build();
        }
        config.setRequestTimeout(requestTimeoutMillis);
        config.setConnectionTimeout(requestTimeoutMillis);
        config.setRequestRetryBackoffLimit(1);
        // one JSON (de)serializer for every cluster: each builds large model caches otherwise (heap at 150 clusters)
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(SERIALIZATION)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(RequestDeadline.NAME,
                        new RequestDeadline(requestDeadline)))
                .build();
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        clients.clear();
    }
}
