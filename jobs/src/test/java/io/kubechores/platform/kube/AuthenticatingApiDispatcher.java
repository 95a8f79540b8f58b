package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.testkit.kube.SimulatedApiDispatcher;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A simulated API server that authenticates and authorizes like a real one: every request needs a bearer token the
 * authenticator accepts (401 Status "Unauthorized" otherwise, the body kube-apiserver sends); SelfSubjectReview
 * (authentication.k8s.io/v1, POST selfsubjectreviews) answers the authenticated user; SelfSubjectAccessReview
 * (authorization.k8s.io/v1) answers status.allowed from the authorizer. Everything else goes to the CRUD dispatcher.
 * Shapes: Kubernetes API reference, SelfSubjectReview v1 / SelfSubjectAccessReview v1.
 */
public class AuthenticatingApiDispatcher extends SimulatedApiDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** user + groups the API server maps a token to. */
    public record User(String username, List<String> groups) {}

    /** "verb group/resource" allowed for a user, e.g. "list apps/deployments", "patch /configmaps" for core. */
    public interface Authorizer {
        boolean allowed(User user, String verb, String group, String resource);
    }

    private final Function<String, User> authenticator;
    private volatile Authorizer authorizer;
    public final List<String> tokens = new CopyOnWriteArrayList<>();
    public final List<String> accessReviews = new CopyOnWriteArrayList<>();

    public AuthenticatingApiDispatcher(Function<String, User> authenticator, Authorizer authorizer) {
        this.authenticator = authenticator;
        this.authorizer = authorizer;
    }

    public void authorizer(Authorizer a) {
        this.authorizer = a;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String auth = request.getHeader("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        User user = null;
        if (token != null) {
            tokens.add(token);
            try {
                user = authenticator.apply(token);
            } catch (RuntimeException e) {
                user = null;
            }
        }
        if (user == null) {
            return status(401, "Unauthorized", "Unauthorized");
        }
        String path = request.getPath() == null ? "" : request.getPath().split("\\?")[0];
        try {
            if ("POST".equals(request.getMethod()) && path.equals("/apis/authentication.k8s.io/v1/selfsubjectreviews")) {
                return json(201, """
                        {"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},
                         "status":{"userInfo":{"username":%s,"groups":%s}}}""".formatted(
                        JSON.writeValueAsString(user.username()), JSON.writeValueAsString(user.groups())));
            }
            if ("POST".equals(request.getMethod())
                    && path.equals("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")) {
                JsonNode body = JSON.readTree(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
                JsonNode ra = body.path("spec").path("resourceAttributes");
                String verb = ra.path("verb").asText();
                String group = ra.path("group").asText("");
                String resource = ra.path("resource").asText();
                accessReviews.add(verb + " " + group + "/" + resource);
                boolean ok = authorizer.allowed(user, verb, group, resource);
                ((com.fasterxml.jackson.databind.node.ObjectNode) body).putObject("status").put("allowed", ok)
                        .put("reason", ok ? "RBAC: allowed by ClusterRoleBinding" : "");
                ((com.fasterxml.jackson.databind.node.ObjectNode) body).putObject("metadata").putNull("creationTimestamp");
                return json(201, JSON.writeValueAsString(body));
            }
        } catch (java.io.IOException e) {
            return status(400, "BadRequest", e.getMessage());
        }
        return super.dispatch(request);
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).addHeader("Content-Type", "application/json").setBody(body);
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"" + message.replace("\"", "'") + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
    }
}
