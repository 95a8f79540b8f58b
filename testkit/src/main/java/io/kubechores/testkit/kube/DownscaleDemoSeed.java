package io.kubechores.testkit.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Creates the downscale demo's objects (YAML on the classpath) in a simulated cluster. */
public final class DownscaleDemoSeed {
    private DownscaleDemoSeed() {}

    /**
     * Creates every document of the classpath resource, with creationTimestamp set to created (so the grace period
     * does not hide them from a demo clock).
     */
    public static int seed(KubernetesClient client, String classpathResource, Instant created) {
        try (InputStream in = DownscaleDemoSeed.class.getClassLoader().getResourceAsStream(classpathResource)) {
            if (in == null) throw new IllegalArgumentException("no resource " + classpathResource);
            int n = 0;
            for (HasMetadata item : client.load(in).items()) {
                item.getMetadata().setCreationTimestamp(created.toString());
                client.resource(item).create();
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
