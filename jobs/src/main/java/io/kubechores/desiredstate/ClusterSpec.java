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
 * @param kops          the kops state store of a kops-managed cluster (the certs job reads its keysets), null if none
 */
public record ClusterSpec(
        String environment,
        Connection connection,
        AwsPlacement aws,
        List<NodePool> nodePools,
        List<String> etcdEndpoints,
        Kops kops) {

    /** Without a kops state store (most clusters; code-built clusters in tests and the demo). */
    public ClusterSpec(String environment, Connection connection, AwsPlacement aws, List<NodePool> nodePools,
                       List<String> etcdEndpoints) {
        this(environment, connection, aws, nodePools, etcdEndpoints, null);
    }

    public ClusterSpec {
        connection = connection == null ? new Connection(null, null, false, null, null, null, null) : connection;
        nodePools = nodePools == null ? List.of() : List.copyOf(nodePools);
        etcdEndpoints = etcdEndpoints == null ? List.of() : List.copyOf(etcdEndpoints);
    }

    /**
     * Exactly one way to connect: a kubeconfig context, in-cluster, API URL + token, or EKS.
     *
     * @param kubeconfigContext context in the kubeconfig (KUBECONFIG or ~/.kube/config unless kubeconfigPath)
     * @param kubeconfigPath    optional kubeconfig file
     * @param inCluster         use the pod's ServiceAccount
     * @param apiUrl            API server URL
     * @param tokenEnv          env var holding a bearer token for apiUrl
     * @param caFile            CA bundle file for apiUrl
     * @param eks               an EKS cluster: endpoint and CA from DescribeCluster, a token signed with AWS credentials
     */
    public record Connection(String kubeconfigContext, String kubeconfigPath, boolean inCluster, String apiUrl,
                             String tokenEnv, String caFile, Eks eks) {
        /** Without EKS (code-built clusters in tests and the demo). */
        public Connection(String kubeconfigContext, String kubeconfigPath, boolean inCluster, String apiUrl,
                          String tokenEnv, String caFile) {
            this(kubeconfigContext, kubeconfigPath, inCluster, apiUrl, tokenEnv, caFile, null);
        }

        /** Which way this connection says to connect, for messages. */
        public String kind() {
            if (eks != null) return "eks";
            if (kubeconfigContext != null) return "kubeconfigContext";
            if (inCluster) return "inCluster";
            if (apiUrl != null) return "apiUrl";
            return "none";
        }
    }

    /**
     * An EKS cluster reached the way `aws eks get-token` does it.
     *
     * @param name    the EKS cluster name (DescribeCluster, and the x-k8s-aws-id the token is signed for)
     * @param region  its region, e.g. eu-central-1
     * @param roleArn optional role assumed with STS AssumeRole from the default credentials; the identity the
     *                cluster's access entry (or aws-auth mapping) grants
     */
    public record Eks(String name, String region, String roleArn) {}

    /**
     * A kops cluster's state store (what KOPS_STATE_STORE names): the certs job lists and reads
     * {@code <stateStore>/<clusterName>/pki/} (kops: pkg/client/simple/vfsclientset/clientset.go joins "pki" to the
     * cluster's config base).
     *
     * @param stateStore  s3://bucket or s3://bucket/prefix
     * @param clusterName the kops cluster name (its folder in the store); null = this Cluster's metadata.name
     * @param region      the bucket's region; null = aws.region of this Cluster, else us-east-1 (a redirect to the
     *                    bucket's real region is followed once)
     * @param roleArn     optional role assumed with STS AssumeRole to read the bucket
     */
    public record Kops(String stateStore, String clusterName, String region, String roleArn) {}

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
