package io.kubechores.promote;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of a tool on one environment, sampled once per promote run and kept in the job's StateStore, so that
 * soak means "time healthy" and not "time since rollout": an unhealthy sample restarts the soak clock.
 * <p>
 * Consecutive samples in which every cluster shows the same (version, healthy) are folded into one {@link Span}
 * (first and last sample time, count), so a 72h soak sampled every 5 minutes stays a handful of entries. At most
 * {@link #MAX_SPANS} spans are kept (oldest dropped).
 */
public final class HealthHistory {
    public static final int MAX_SPANS = 200;

    private HealthHistory() {}

    /**
     * What one cluster showed in a sample.
     *
     * @param version running version (null: none detected)
     * @param healthy its health checks passed
     * @param detail  the health lines when unhealthy (from the span's last sample), else null
     */
    public record ClusterSample(String version, boolean healthy, String detail) {
        boolean sameState(ClusterSample o) {
            return o != null && Objects.equals(version, o.version) && healthy == o.healthy;
        }
    }

    /**
     * One or more consecutive samples with the same per-cluster state. Unreadable clusters are left out of a sample
     * (an unreachable API server says nothing about the tool).
     */
    public record Span(Instant from, Instant to, int samples, Map<String, ClusterSample> clusters) {
        public Span {
            clusters = Map.copyOf(clusters);
        }

        /** Every one of these clusters that was sampled ran version healthy. */
        boolean good(Collection<String> of, String version) {
            for (String c : of) {
                ClusterSample s = clusters.get(c);
                if (s != null && (!s.healthy() || !SemVer.sameVersion(version, s.version()))) return false;
            }
            return true;
        }
    }

    /** This run's sample of an environment from its observations. */
    public static Map<String, ClusterSample> sample(List<ClusterToolState> observations) {
        Map<String, ClusterSample> m = new LinkedHashMap<>();
        for (ClusterToolState o : observations) {
            if (o.error() != null) continue;
            m.put(o.cluster(), new ClusterSample(o.runningVersion(), o.healthy(),
                    o.healthy() ? null : String.join("; ", o.health())));
        }
        return m;
    }

    /** The history with this run's sample appended (folded into the last span when nothing changed). */
    public static List<Span> append(List<Span> history, Instant at, Map<String, ClusterSample> sample) {
        List<Span> out = new ArrayList<>(history == null ? List.of() : history);
        if (sample.isEmpty()) return out;
        Span last = out.isEmpty() ? null : out.getLast();
        if (last != null && !at.isAfter(last.to())) return out; // same instant (a re-run with a fixed clock)
        if (last != null && last.clusters().keySet().equals(sample.keySet())
                && sample.entrySet().stream().allMatch(e -> e.getValue().sameState(last.clusters().get(e.getKey())))) {
            out.set(out.size() - 1, new Span(last.from(), at, last.samples() + 1, sample));
        } else {
            out.add(new Span(at, at, 1, sample));
        }
        while (out.size() > MAX_SPANS) out.removeFirst();
        return out;
    }

    /**
     * Since when these clusters have run version healthy without interruption, as far as the samples tell: the first
     * sample after the last sample in which one of them was unhealthy or ran something else; null when no sample
     * shows such an interruption (then only the rollout and git times date the soak).
     */
    public static Instant healthySince(List<Span> history, Collection<String> clusters, String version) {
        if (history == null) return null;
        for (int i = history.size() - 1; i >= 0; i--) {
            if (!history.get(i).good(clusters, version)) {
                return i + 1 < history.size() ? history.get(i + 1).from() : Instant.MAX;
            }
        }
        return null;
    }

    /** One line of a timeline: from–to, what the environment showed. */
    public record TimelineEntry(Instant from, Instant to, int samples, String state) {}

    /**
     * The timeline of these clusters up to (and clipped at) until, consecutive spans with the same state merged:
     * "healthy on 6.16.0", "UNHEALTHY: staging-eu-1 StatefulSet/loki: CrashLoopBackOff: loki-0".
     */
    public static List<TimelineEntry> timeline(List<Span> history, Collection<String> clusters, Instant until) {
        List<TimelineEntry> out = new ArrayList<>();
        if (history == null) return out;
        for (Span s : history) {
            if (s.from().isAfter(until)) break;
            Instant to = s.to().isAfter(until) ? until : s.to();
            String state = describe(s, clusters);
            TimelineEntry last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.state().equals(state)) {
                out.set(out.size() - 1, new TimelineEntry(last.from(), to, last.samples() + s.samples(), state));
            } else {
                out.add(new TimelineEntry(s.from(), to, s.samples(), state));
            }
        }
        return out;
    }

    private static String describe(Span s, Collection<String> clusters) {
        List<String> bad = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        for (String c : clusters) {
            ClusterSample cs = s.clusters().get(c);
            if (cs == null) continue;
            String v = cs.version() == null ? "no version" : cs.version();
            if (!versions.contains(v)) versions.add(v);
            if (!cs.healthy()) bad.add(c + " " + (cs.detail() == null ? "unhealthy" : cs.detail()));
        }
        String on = "on " + String.join(" + ", versions);
        return bad.isEmpty() ? "healthy " + on : "UNHEALTHY " + on + ": " + String.join("; ", bad);
    }
}
