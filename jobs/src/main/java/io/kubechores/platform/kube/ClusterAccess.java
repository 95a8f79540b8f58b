package io.kubechores.platform.kube;

import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;

import java.util.function.Supplier;

/**
 * The read-only questions `doctor` asks an API server: its version (GET /version), who am I (SelfSubjectReview,
 * authentication.k8s.io/v1, GA in Kubernetes 1.28) and may I (SelfSubjectAccessReview, authorization.k8s.io/v1).
 * Reviews are create calls the API server answers and never stores: nothing on the cluster changes.
 */
public final class ClusterAccess {
    private final KubernetesClient client;

    private ClusterAccess(KubernetesClient client) {
        this.client = client;
    }

    /** The API server answered with an error (code = HTTP status, 0 or less when it could not be reached). */
    public static final class AccessException extends RuntimeException {
        private final int code;

        AccessException(int code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** @throws ConnectionKubeClients.ConnectionException when the Cluster's connection cannot be made */
    public static ClusterAccess open(KubeClients kube, Resource<ClusterSpec> cluster) {
        return new ClusterAccess(kube.client(cluster));
    }

    public String url() {
        return String.valueOf(client.getMasterUrl());
    }

    public String version() {
        return call(() -> {
            var v = client.getKubernetesVersion();
            // a server whose /version has no gitVersion (some simulators) is reachable all the same
            return v == null || v.getGitVersion() == null ? "version not reported" : v.getGitVersion();
        });
    }

    /** The username (and groups) the API server sees, or null when it does not serve SelfSubjectReview (404). */
    public String whoami() {
        try {
            return call(() -> {
                SelfSubjectReview r = client.authentication().v1().selfSubjectReviews()
                        .create(new SelfSubjectReviewBuilder().withNewMetadata().endMetadata().build());
                if (r == null || r.getStatus() == null || r.getStatus().getUserInfo() == null) return null;
                var u = r.getStatus().getUserInfo();
                return u.getUsername() + (u.getGroups() == null || u.getGroups().isEmpty() ? ""
                        : " (groups " + String.join(", ", u.getGroups()) + ")");
            });
        } catch (AccessException e) {
            if (e.code() == 404) return null;
            throw e;
        }
    }

    /** Whether the caller may do verb on group/resource[/subresource] in every namespace. */
    public boolean allowed(String verb, String group, String resource, String subresource) {
        return call(() -> {
            SelfSubjectAccessReview r = client.authorization().v1().selfSubjectAccessReview()
                    .create(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                            .withVerb(verb).withGroup(group).withResource(resource).withSubresource(subresource)
                            .endResourceAttributes().endSpec().build());
            return r != null && r.getStatus() != null && Boolean.TRUE.equals(r.getStatus().getAllowed());
        });
    }

    private static <T> T call(Supplier<T> s) {
        try {
            return s.get();
        } catch (KubernetesClientException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String msg = e.getCode() > 0 ? "HTTP " + e.getCode() + (e.getStatus() != null && e.getStatus().getMessage() != null
                    ? " " + e.getStatus().getMessage() : "")
                    : root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
            throw new AccessException(e.getCode(), msg, e);
        }
    }
}
