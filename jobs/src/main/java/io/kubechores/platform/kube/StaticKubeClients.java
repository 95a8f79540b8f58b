package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;

import java.util.Map;

/** Clients handed in by name (the demo's simulated clusters, tests' mock servers). */
public final class StaticKubeClients implements KubeClients {
    private final Map<String, KubernetesClient> clients;

    public StaticKubeClients(Map<String, KubernetesClient> clients) {
        this.clients = Map.copyOf(clients);
    }

    @Override
    public KubernetesClient client(Resource<ClusterSpec> cluster) {
        KubernetesClient c = clients.get(cluster.name());
        if (c == null) throw new IllegalStateException("no client for cluster " + cluster.name());
        return c;
    }

    @Override
    public void close() {
        // owned by whoever created them
    }
}
