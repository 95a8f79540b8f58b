package io.kubechores.platform.kube;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a desired-state repo (the example fleet.yaml + one cluster file) and loads it with the real loader. */
final class ClusterFiles {
    private ClusterFiles() {}

    /** @param connectionYaml the lines under `connection:`, indented by 4 spaces */
    static Resource<ClusterSpec> load(Path repo, String name, String connectionYaml) {
        try {
            Files.createDirectories(repo.resolve("clusters"));
            Path fleet = repo.resolve("fleet.yaml");
            if (!Files.exists(fleet)) Files.copy(example().resolve("fleet.yaml"), fleet);
            Files.writeString(repo.resolve("clusters/" + name + ".yaml"), """
                    apiVersion: kubechores.io/v1alpha1
                    kind: Cluster
                    metadata:
                      name: %s
                    spec:
                      environment: prod
                      connection:
                    %s
                      aws:
                        accountId: "222222222222"
                        region: eu-central-1
                    """.formatted(name, connectionYaml.stripTrailing()));
            DesiredState state = new DesiredStateLoader().load(repo, "test");
            return state.cluster(name).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path example() {
        Path p = Path.of("../repo-layout/example");
        return Files.isDirectory(p) ? p : Path.of("repo-layout/example");
    }
}
