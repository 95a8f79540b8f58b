package io.kubechores.testkit.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.nio.charset.StandardCharsets;

/**
 * fabric8's CRUD dispatcher answering like a real API server where the mock would not: a request it cannot apply
 * (e.g. a JSON Patch whose "test" operation fails) gets a 422 Status instead of no answer at all.
 * <p>
 * One deliberate difference from a real API server: an object created with a {@code metadata.creationTimestamp}
 * keeps it (a real server, and the plain mock, stamp the wall-clock time). Seeds use it to pose objects that existed
 * long before the clock a demo, test or benchmark runs the job at; without it, what the grace period for new objects
 * sees depends on the date the machine runs on (objects "created" after a fixed job clock are always new).
 * Every simulated cluster (demo, tests, benchmarks) uses it.
 * <p>
 * Authentication and authorization, as {@code kubechores doctor} asks them ({@link Access}): SelfSubjectReview
 * (authentication.k8s.io/v1, POST selfsubjectreviews) answers the user the token maps to, SelfSubjectAccessReview
 * (authorization.k8s.io/v1) answers status.allowed; neither is stored (a real API server stores no review).
 * By default every token is accepted as one user with every verb allowed; a test or the demo can make a cluster
 * reject its credentials (401 with kube-apiserver's Status body) or deny verbs. Shapes: Kubernetes API reference,
 * SelfSubjectReview v1, SelfSubjectAccessReview v1, Status.
 */
public class SimulatedApiDispatcher extends KubernetesCrudDispatcher {
    /** The creationTimestamp a create request asked for, while it is being handled ([0] asked, [1] stored JSON). */
    private static final ThreadLocal<String[]> CREATING = new ThreadLocal<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Who the server says the caller is, and what it may do; changeable while the server runs. */
    public static final class Access {
        private volatile boolean rejectCredentials;
        private volatile String username = "system:serviceaccount:kubechores:kubechores";
        private volatile java.util.List<String> groups = java.util.List.of("kubechores:central", "system:authenticated");
        private final java.util.Set<String> denied = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** Every request gets 401 Unauthorized, as for an expired token or an identity the cluster does not map. */
        public Access rejectCredentials(boolean reject) {
            this.rejectCredentials = reject;
            return this;
        }

        public Access user(String username, java.util.List<String> groups) {
            this.username = username;
            this.groups = java.util.List.copyOf(groups);
            return this;
        }

        /** SelfSubjectAccessReview of verb on group/resource answers allowed=false ("" group is the core group). */
        public Access deny(String verb, String group, String resource) {
            denied.add(verb + " " + group + "/" + resource);
            return this;
        }

        boolean allowed(String verb, String group, String resource) {
            return !denied.contains(verb + " " + group + "/" + resource) && !denied.contains("* " + group + "/" + resource);
        }
    }

    private final Access access = new Access();

    /** This server's authentication and authorization (see the class comment). */
    public Access access() {
        return access;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        MockResponse reviewed = authenticateAndReview(request);
        if (reviewed != null) return reviewed;
        String[] creating = "POST".equals(request.getMethod()) ? requestedCreationTimestamp(request) : null;
        if (creating != null) CREATING.set(creating);
        try {
            MockResponse r = super.dispatch(request);
            if (creating != null && creating[1] != null && r.code() / 100 == 2) r.setBody(creating[1]);
            return r;
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "'");
            return new MockResponse().setResponseCode(422).addHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                            + "\"reason\":\"Invalid\",\"code\":422,\"message\":\"" + msg + "\"}");
        } finally {
            if (creating != null) CREATING.remove();
        }
    }

    /** 401 when credentials are rejected; the answer to a review; null for every other request. */
    private MockResponse authenticateAndReview(RecordedRequest request) {
        if (access.rejectCredentials) {
            return json(401, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}");
        }
        if (!"POST".equals(request.getMethod()) || request.getPath() == null) return null;
        String path = request.getPath().split("\\?")[0];
        try {
            if (path.equals("/apis/authentication.k8s.io/v1/selfsubjectreviews")) {
                return json(201, "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":\"authentication.k8s.io/v1\","
                        + "\"metadata\":{\"creationTimestamp\":null},\"status\":{\"userInfo\":{\"username\":"
                        + JSON.writeValueAsString(access.username) + ",\"groups\":" + JSON.writeValueAsString(access.groups) + "}}}");
            }
            if (path.equals("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")) {
                var body = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                        new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
                var ra = body.path("spec").path("resourceAttributes");
                boolean ok = access.allowed(ra.path("verb").asText(), ra.path("group").asText(""), ra.path("resource").asText());
                body.putObject("status").put("allowed", ok).put("reason", ok ? "RBAC: allowed by the simulation" : "");
                body.putObject("metadata").putNull("creationTimestamp");
                return json(201, JSON.writeValueAsString(body));
            }
        } catch (java.io.IOException e) {
            return json(400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"BadRequest\",\"code\":400}");
        }
        return null;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).addHeader("Content-Type", "application/json").setBody(body);
    }

    /** A create (no previous key) keeps the creationTimestamp its request carried. */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
                             GenericKubernetesResource resource, String newState) {
        String[] creating = CREATING.get();
        if (creating != null && oldAttributes == null && resource != null && resource.getMetadata() != null
                && newState != null) {
            resource.getMetadata().setCreationTimestamp(creating[0]);
            newState = Serialization.asJson(resource);
            creating[1] = newState;
        }
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    }

    private static String[] requestedCreationTimestamp(RecordedRequest request) {
        if (request.getBody() == null) return null;
        String body = new String(request.getBody().getBytes(), StandardCharsets.UTF_8); // reading would consume it
        if (!body.contains("creationTimestamp")) return null;
        try {
            GenericKubernetesResource r = Serialization.unmarshal(body, GenericKubernetesResource.class);
            String ts = r == null || r.getMetadata() == null ? null : r.getMetadata().getCreationTimestamp();
            return ts == null || ts.isBlank() ? null : new String[] {ts, null};
        } catch (RuntimeException e) {
            return null; // the create itself reports what is wrong with the body
        }
    }
}
