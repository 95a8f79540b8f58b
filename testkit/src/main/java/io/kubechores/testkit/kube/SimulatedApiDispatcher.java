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
 */
public class SimulatedApiDispatcher extends KubernetesCrudDispatcher {
    /** The creationTimestamp a create request asked for, while it is being handled ([0] asked, [1] stored JSON). */
    private static final ThreadLocal<String[]> CREATING = new ThreadLocal<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
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
