package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD dispatcher answering like a real API server where the mock would not: a request it cannot apply
 * (e.g. a JSON Patch whose "test" operation fails) gets a 422 Status instead of no answer at all.
 * Every simulated cluster (demo, tests, benchmarks) uses it.
 */
public class SimulatedApiDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
        try {
            return super.dispatch(request);
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "'");
            return new MockResponse().setResponseCode(422).addHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                            + "\"reason\":\"Invalid\",\"code\":422,\"message\":\"" + msg + "\"}");
        }
    }
}
