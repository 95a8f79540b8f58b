package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;

/** A (cached) fabric8 client per Cluster. Every fabric8 call of the project lives under platform/kube. */
public interface KubeClients extends AutoCloseable {
    KubernetesClient client(Resource<ClusterSpec> cluster);

    @Override
    void close();
}
