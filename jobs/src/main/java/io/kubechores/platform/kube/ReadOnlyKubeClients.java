package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.DryRunViolation;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A dry run's Kubernetes clients: each one is the delegate's client rebuilt from the same configuration with an HTTP
 * interceptor that refuses every mutating request before it is sent, whatever fabric8 DSL or raw HTTP path the job
 * uses. Refused: POST, PUT, PATCH, DELETE. Let through: GET (and watches), and the POSTs the API server answers
 * without persisting anything: SelfSubjectAccessReview / SelfSubjectRulesReview / SubjectAccessReview /
 * LocalSubjectAccessReview (authorization.k8s.io), SelfSubjectReview / TokenReview (authentication.k8s.io), and any
 * request with {@code dryRun=All} ("Dry-run" in the Kubernetes API concepts: such requests are "never persisted").
 */
public final class ReadOnlyKubeClients implements KubeClients {
    /** Review resources whose create is a question, not a write (kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access). */
    private static final Pattern REVIEW = Pattern.compile(
            "^/apis/(authorization\\.k8s\\.io/v1(/namespaces/[^/]+)?/(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews|localsubjectaccessreviews)"
                    + "|authentication\\.k8s\\.io/v1(beta1)?/(selfsubjectreviews|tokenreviews))/?$");
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** The interceptor, public for adapters that build their own fabric8 clients. */
    public static final Interceptor GUARD = new Interceptor() {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (!allowed(request.method(), request.uri().getRawPath(), request.uri().getRawQuery())) {
                throw new DryRunViolation(request.method() + " " + request.uri().getRawPath());
            }
        }
    };

    private final KubeClients delegate;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

    private ReadOnlyKubeClients(KubeClients delegate) {
        this.delegate = delegate;
    }

    public static KubeClients of(KubeClients delegate) {
        return delegate instanceof ReadOnlyKubeClients ? delegate : new ReadOnlyKubeClients(delegate);
    }

    /** Whether a request may go out during a dry run. */
    static boolean allowed(String method, String path, String query) {
        if (!MUTATING.contains(method.toUpperCase(java.util.Locale.ROOT))) return true;
        if (query != null && Pattern.compile("(^|&)dryRun=All(&|$)").matcher(query).find()) return true;
        return method.equalsIgnoreCase("POST") && path != null && REVIEW.matcher(path).matches();
    }

    @Override
    public KubernetesClient client(Resource<ClusterSpec> cluster) {
        return clients.computeIfAbsent(cluster.name(), n -> {
            var config = delegate.client(cluster).getConfiguration();
            // a plan ends by its deadlines too: the same total request deadline as the delegate's clients
            java.time.Duration deadline = delegate instanceof ConnectionKubeClients c ? c.requestDeadline()
                    : java.time.Duration.ofMillis(2L * Math.max(1, config.getRequestTimeout()));
            return new KubernetesClientBuilder()
                    .withConfig(config)
                    .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("kubechores-dry-run", GUARD)
                            .addOrReplaceInterceptor(RequestDeadline.NAME, new RequestDeadline(deadline)))
                    .build();
        });
    }

    @Override
    public void abandon(String cluster, String reason) {
        KubernetesClient c = clients.remove(cluster);
        if (c != null) c.close();
        delegate.abandon(cluster, reason);
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        clients.clear();
        delegate.close();
    }
}
