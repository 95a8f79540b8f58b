package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds clients from each Cluster's connection: kubeconfig context, in-cluster ServiceAccount, or API URL + token. */
public final class ConnectionKubeClients implements KubeClients {
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    private final SecretSource secrets;
    private final int requestTimeoutMillis;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

    public ConnectionKubeClients(SecretSource secrets, int requestTimeoutMillis) {
        this.secrets = secrets;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    @Override
    public KubernetesClient client(Resource<ClusterSpec> cluster) {
        return clients.computeIfAbsent(cluster.name(), n -> build(cluster.spec().connection()));
    }

    private KubernetesClient build(ClusterSpec.Connection c) {
        Config config;
        if (c.kubeconfigContext() != null) {
            if (c.kubeconfigPath() != null) {
                try {
                    config = Config.fromKubeconfig(c.kubeconfigContext(),
                            Files.readString(Path.of(c.kubeconfigPath())), c.kubeconfigPath());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read kubeconfig " + c.kubeconfigPath(), e);
                }
            } else {
                config = Config.autoConfigure(c.kubeconfigContext());
            }
        } else if (c.inCluster()) {
            config = Config.autoConfigure(null);
        } else {
            ConfigBuilder b = new ConfigBuilder().withMasterUrl(c.apiUrl());
            secrets.get(c.tokenEnv()).ifPresent(b::withOauthToken);
            if (c.caFile() != null) b.withCaCertFile(c.caFile());
            config = b.build();
        }
        config.setRequestTimeout(requestTimeoutMillis);
        config.setConnectionTimeout(requestTimeoutMillis);
        config.setRequestRetryBackoffLimit(1);
        // one JSON (de)serializer for every cluster: each builds large model caches otherwise (heap at 150 clusters)
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(SERIALIZATION).build();
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        clients.clear();
    }
}
