package io.kubechores.rightsize;

import io.kubechores.demo.RightsizeDemo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.testkit.kube.SimulatedCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One CRUD mock API server per Cluster of a desired state, seeded by the rightsize demo contribution. */
final class SimulatedFleet implements AutoCloseable {
    final List<SimulatedCluster> servers = new ArrayList<>();
    final Map<String, KubernetesClient> clients = new HashMap<>();

    SimulatedFleet(DesiredState state, Clock clock) {
        RightsizeDemo demo = new RightsizeDemo();
        for (var c : state.clusters()) {
            SimulatedCluster s = SimulatedCluster.start(c.name());
            servers.add(s);
            KubernetesClient client = s.client();
            clients.put(c.name(), client);
            demo.seedCluster(c, client, clock);
        }
    }

    @Override
    public void close() {
        servers.forEach(SimulatedCluster::close);
    }

    /** Copies a folder tree (the example fleet into a temp repo). */
    static Map<String, String> copy(Path from, Path to) throws IOException {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                    files.put(from.relativize(p).toString().replace('\\', '/'), Files.readString(p));
                }
            }
        }
        return files;
    }
}
