package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;

/** A (cached) fabric8 client per Cluster. Every fabric8 call of the project lives under platform/kube. */
public interface KubeClients extends AutoCloseable {
    KubernetesClient client(Resource<ClusterSpec> cluster);

    /**
     * The run gave up on this cluster (its partition passed its deadline, or the runner shuts down): cancels the
     * requests in flight to it by closing its client, and refuses new ones. Clients handed in from outside
     * (tests, the demo) are not closed.
     */
    default void abandon(String cluster, String reason) {
    }

    @Override
    void close();
}
