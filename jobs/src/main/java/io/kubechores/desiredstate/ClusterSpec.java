package io.kubechores.desiredstate;

import java.util.List;

/**
 * A cluster of the fleet (clusters/*.yaml).
 *
 * @param environment   one of the Fleet's environments
 * @param connection    how to reach the API server
 * @param aws           account and region the cluster runs in
 * @param nodePools     node pools (EKS managed node groups / Karpenter pools) with their maximum size
 * @param etcdEndpoints host:port of etcd members reachable from the runner (certificate checks)
 */
public record ClusterSpec(
        String environment,
        Connection connection,
        AwsPlacement aws,
        List<NodePool> nodePools,
        List<String> etcdEndpoints) {

    public ClusterSpec {
        connection = connection == null ? new Connection(null, null, false, null, null, null) : connection;
        nodePools = nodePools == null ? List.of() : List.copyOf(nodePools);
        etcdEndpoints = etcdEndpoints == null ? List.of() : List.copyOf(etcdEndpoints);
    }

    /**
     * Exactly one way to connect: a kubeconfig context, in-cluster, or API URL + token.
     *
     * @param kubeconfigContext context in the kubeconfig (KUBECONFIG or ~/.kube/config unless kubeconfigPath)
     * @param kubeconfigPath    optional kubeconfig file
     * @param inCluster         use the pod's ServiceAccount
     * @param apiUrl            API server URL
     * @param tokenEnv          env var holding a bearer token for apiUrl
     * @param caFile            CA bundle file for apiUrl
     */
    public record Connection(String kubeconfigContext, String kubeconfigPath, boolean inCluster, String apiUrl,
                             String tokenEnv, String caFile) {}

    /** @param accountId 12-digit AWS account id  @param region e.g. eu-central-1 */
    public record AwsPlacement(String accountId, String region) {}

    /**
     * @param name          pool name
     * @param instanceTypes EC2 instance types the pool may launch
     * @param lifecycle     on-demand | spot
     * @param minSize       minimum nodes
     * @param maxSize       maximum nodes (capacity planning uses it)
     */
    public record NodePool(String name, List<String> instanceTypes, String lifecycle, int minSize, int maxSize) {
        public NodePool {
            instanceTypes = instanceTypes == null ? List.of() : List.copyOf(instanceTypes);
            lifecycle = lifecycle == null ? "on-demand" : lifecycle;
        }
    }
}
