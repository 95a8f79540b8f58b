package io.kubechores.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether the state store (job history, the certs "alert once" memory, run status) outlives this process's pod.
 * A network database (PostgreSQL) does. An H2 database does not when it is in memory, or when its file lies on a
 * mount that ends with the pod: an emptyDir (kubelet bind-mounts it from .../volumes/kubernetes.io~empty-dir/...,
 * visible as the mount's root in /proc/self/mountinfo), a tmpfs, or the container's own overlay filesystem
 * (proc(5), /proc/pid/mountinfo: field 4 root, field 5 mount point, fstype after the " - " separator).
 * Outside Linux (no mountinfo) an H2 file is taken to be durable.
 */
public final class StateDurability {
    private StateDurability() {}

    public static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** Why the store is ephemeral, or empty when it outlives the pod. */
    public static Optional<String> ephemeralReason(String jdbcUrl) {
        return ephemeralReason(jdbcUrl, MOUNTINFO, System.getenv("KUBERNETES_SERVICE_HOST") != null);
    }

    /** @param inPod the container's own (overlay) filesystem counts as ephemeral only in a pod */
    static Optional<String> ephemeralReason(String jdbcUrl, Path mountinfo, boolean inPod) {
        if (jdbcUrl == null) return Optional.of("no datasource configured");
        String url = jdbcUrl.trim();
        if (url.startsWith("jdbc:h2:mem:")) return Optional.of("H2 in memory (" + url + ")");
        String file = h2File(url);
        if (file == null) return Optional.empty(); // a server database (PostgreSQL, H2 tcp): outlives the pod
        Path p = Path.of(file).toAbsolutePath().normalize();
        List<String> lines;
        try {
            lines = Files.isReadable(mountinfo) ? Files.readAllLines(mountinfo) : List.of();
        } catch (IOException e) {
            lines = List.of();
        }
        Mount best = null;
        for (String line : lines) {
            Mount m = Mount.parse(line);
            if (m == null) continue;
            if ((p.startsWith(m.mountPoint)) && (best == null || m.mountPoint.getNameCount() >= best.mountPoint.getNameCount())) {
                best = m;
            }
        }
        if (best == null) return Optional.empty();
        String where = "H2 file " + p + " on " + best.mountPoint;
        if (best.root.contains("kubernetes.io~empty-dir")) return Optional.of(where + " (an emptyDir)");
        if (best.fsType.equals("tmpfs") || best.fsType.equals("ramfs")) return Optional.of(where + " (" + best.fsType + ")");
        if (inPod && best.fsType.equals("overlay")) {
            return Optional.of(where + " (the container's own filesystem)");
        }
        return Optional.empty();
    }

    /** The database file of an H2 file URL (jdbc:h2:file:/x/db;AUTO_SERVER=TRUE or jdbc:h2:/x/db), else null. */
    static String h2File(String url) {
        if (!url.startsWith("jdbc:h2:")) return null;
        String rest = url.substring("jdbc:h2:".length());
        int semi = rest.indexOf(';');
        if (semi >= 0) rest = rest.substring(0, semi);
        if (rest.startsWith("tcp:") || rest.startsWith("ssl:") || rest.startsWith("mem:")) return null;
        if (rest.startsWith("file:")) rest = rest.substring(5);
        if (rest.startsWith("~")) rest = System.getProperty("user.home") + rest.substring(1);
        return rest;
    }

    /** The message a run starts with (log) and carries (report warnings). */
    public static String warning(String reason) {
        return "state store is ephemeral: " + reason + ": job history, the certs alert memory and run status end "
                + "with this pod (certs will alert every finding again next run); set SPRING_DATASOURCE_URL "
                + "(PostgreSQL) or mount the kubechores-home PVC (k8s/state.yaml) at the home";
    }

    private record Mount(String root, Path mountPoint, String fsType) {
        static Mount parse(String line) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) return null;
            String[] f = halves[0].split(" ");
            String[] g = halves[1].split(" ");
            if (f.length < 5 || g.length < 1) return null;
            return new Mount(unescape(f[3]), Path.of(unescape(f[4])), g[0]);
        }

        static String unescape(String s) {
            return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        }
    }
}
