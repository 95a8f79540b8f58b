package io.kubechores.runner;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * Who launched a run: {@code host:pid:startMillis} of this JVM. Recorded with every Spring Batch run (job parameter
 * {@code launcher}) and used as the clustered Quartz instance id, so that a run left STARTED by a runner that died
 * can be told apart from one still running elsewhere: a recovering runner closes only the dead runner's runs, and a
 * runner starting on a host closes runs of processes on that host that no longer exist.
 */
public final class RunnerIdentity {
    private static final String ID = compute();

    private RunnerIdentity() {
    }

    private static final java.util.concurrent.atomic.AtomicInteger SCHEDULERS = new java.util.concurrent.atomic.AtomicInteger();

    /** This JVM's identity. */
    public static String id() {
        return ID;
    }

    /**
     * A clustered Quartz instance id for a scheduler of this JVM: {@code <id>#<n>} (unique even when one JVM starts
     * several, as tests do). {@link #ofSchedulerInstance} gives the JVM identity back.
     */
    public static String schedulerInstanceId() {
        return ID + "#" + SCHEDULERS.incrementAndGet();
    }

    /** The JVM identity of a scheduler instance id. */
    public static String ofSchedulerInstance(String instanceId) {
        int hash = instanceId.lastIndexOf('#');
        return hash > 0 ? instanceId.substring(0, hash) : instanceId;
    }

    private static String compute() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
        return host() + ":" + self.pid() + ":" + start;
    }

    static String host() {
        String h = System.getenv("HOSTNAME"); // the pod name in Kubernetes
        if (h != null && !h.isBlank()) return h;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** A parsed identity. */
    public record Parsed(String host, long pid, long startMillis) {
    }

    public static Optional<Parsed> parse(String id) {
        if (id == null) return Optional.empty();
        String[] p = id.split(":");
        if (p.length < 3) return Optional.empty();
        try {
            long start = Long.parseLong(p[p.length - 1]);
            long pid = Long.parseLong(p[p.length - 2]);
            String host = String.join(":", java.util.Arrays.copyOf(p, p.length - 2));
            return Optional.of(new Parsed(host, pid, start));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * True when {@code id} names a process on this host that no longer runs (no such pid, or the pid was reused by
     * a process started at another time). False for other hosts and for processes still alive.
     */
    public static boolean isDeadHere(String id) {
        Optional<Parsed> p = parse(id);
        if (p.isEmpty() || !p.get().host().equals(host())) return false;
        Optional<ProcessHandle> h = ProcessHandle.of(p.get().pid());
        if (h.isEmpty() || !h.get().isAlive()) return true;
        Optional<Instant> started = h.get().info().startInstant();
        // start instants of one process agree to the second across reads; a reused pid started at another time
        return started.isPresent() && Math.abs(started.get().toEpochMilli() - p.get().startMillis()) > 1000;
    }
}
