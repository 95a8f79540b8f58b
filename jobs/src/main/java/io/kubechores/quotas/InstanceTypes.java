package io.kubechores.quotas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * vCPUs of EC2 instance types and their vCPU quota classes. vCPUs come, in this order, from the desired-state repo
 * (QuotaPolicy spec.instanceTypes), from EC2 DescribeInstanceTypes of the region (read once per run), or from the
 * table shipped with the project (resources quotas/ec2-instance-types.csv: type → vCPUs), the offline fallback. The
 * vCPU quota classes (quotas/ec2-vcpu-quotas.csv: class → on-demand and spot quota codes, by family prefix).
 */
public final class InstanceTypes {
    public static final String TYPES_RESOURCE = "quotas/ec2-instance-types.csv";
    public static final String CLASSES_RESOURCE = "quotas/ec2-vcpu-quotas.csv";
    private static final Pattern PREFIX = Pattern.compile("^([a-z]+)");
    private static volatile InstanceTypes shipped;

    /**
     * A vCPU quota class, e.g. standard (A, C, D, H, I, M, R, T, Z).
     *
     * @param spotCode null when the class has no spot quota
     */
    public record QuotaClass(String name, String onDemandCode, String spotCode, List<String> prefixes,
                             String onDemandName, String spotName) {
        /** The quota code for a lifecycle (on-demand | spot); empty when there is none. */
        public Optional<String> code(boolean spot) {
            return Optional.ofNullable(spot ? spotCode : onDemandCode);
        }

        public String quotaName(boolean spot) {
            return spot ? spotName : onDemandName;
        }
    }

    private final Map<String, Integer> vcpus;
    private final List<QuotaClass> classes;
    private final Map<String, QuotaClass> byPrefix = new HashMap<>();
    /** region → type → vCPUs, as EC2 DescribeInstanceTypes answered in this run */
    private final Map<String, Map<String, Integer>> live;
    /** type → vCPUs the desired-state repo states (QuotaPolicy spec.instanceTypes) */
    private final Map<String, Integer> overrides;

    public InstanceTypes(Map<String, Integer> vcpus, List<QuotaClass> classes) {
        this(vcpus, classes, Map.of(), Map.of());
    }

    private InstanceTypes(Map<String, Integer> vcpus, List<QuotaClass> classes, Map<String, Map<String, Integer>> live,
                          Map<String, Integer> overrides) {
        this.vcpus = Map.copyOf(vcpus);
        this.classes = List.copyOf(classes);
        for (QuotaClass c : classes) c.prefixes().forEach(p -> byPrefix.put(p, c));
        Map<String, Map<String, Integer>> l = new HashMap<>();
        live.forEach((r, m) -> l.put(r, Map.copyOf(m)));
        this.live = Map.copyOf(l);
        this.overrides = Map.copyOf(overrides);
    }

    /** This table with the instance types EC2 reported per region in this run (region → type → vCPUs). */
    public InstanceTypes withLive(Map<String, Map<String, Integer>> byRegion) {
        Map<String, Map<String, Integer>> l = new HashMap<>(live);
        l.putAll(byRegion);
        return new InstanceTypes(vcpus, classes, l, overrides);
    }

    /** This table with the repo's own entries (type → vCPUs), which win over EC2's answer and the shipped table. */
    public InstanceTypes withOverrides(Map<String, Integer> repo) {
        if (repo.isEmpty()) return this;
        Map<String, Integer> o = new HashMap<>(overrides);
        o.putAll(repo);
        return new InstanceTypes(vcpus, classes, live, o);
    }

    /**
     * vCPUs of an instance type in a region: the repo's entry, else EC2's answer for that region, else the shipped
     * table (the offline fallback).
     */
    public Optional<Integer> vcpus(String region, String instanceType) {
        Integer o = overrides.get(instanceType);
        if (o != null) return Optional.of(o);
        Map<String, Integer> l = region == null ? null : live.get(region);
        if (l != null && l.containsKey(instanceType)) return Optional.of(l.get(instanceType));
        return Optional.ofNullable(vcpus.get(instanceType));
    }

    /** Where {@link #vcpus(String, String)} takes its answer from, for the report. */
    public String source(String region, String instanceType) {
        if (overrides.containsKey(instanceType)) return "QuotaPolicy instanceTypes";
        Map<String, Integer> l = region == null ? null : live.get(region);
        if (l != null && l.containsKey(instanceType)) return "EC2 DescribeInstanceTypes " + region;
        return vcpus.containsKey(instanceType) ? "shipped table " + TYPES_RESOURCE : "nowhere";
    }

    /** EC2 answered for this region and does not offer the type there. */
    public boolean notOffered(String region, String instanceType) {
        Map<String, Integer> l = region == null ? null : live.get(region);
        return l != null && !l.containsKey(instanceType);
    }

    /** Regions EC2 answered for in this run. */
    public java.util.Set<String> liveRegions() {
        return live.keySet();
    }

    /** The table shipped in the jar (loaded once). */
    public static InstanceTypes shipped() {
        InstanceTypes t = shipped;
        if (t == null) {
            synchronized (InstanceTypes.class) {
                if (shipped == null) shipped = load();
                t = shipped;
            }
        }
        return t;
    }

    static InstanceTypes load() {
        Map<String, Integer> vcpus = new HashMap<>();
        for (String[] row : rows(TYPES_RESOURCE)) vcpus.put(row[0].trim(), Integer.parseInt(row[1].trim()));
        List<QuotaClass> classes = new ArrayList<>();
        for (String[] row : rows(CLASSES_RESOURCE)) {
            classes.add(new QuotaClass(row[0].trim(), emptyToNull(row[1]), emptyToNull(row[2]),
                    List.of(row[3].trim().split("\\|")), emptyToNull(row[4]), row.length > 5 ? emptyToNull(row[5]) : null));
        }
        return new InstanceTypes(vcpus, classes);
    }

    private static List<String[]> rows(String resource) {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = InstanceTypes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean header = true;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                if (header) {
                    header = false;
                    continue;
                }
                out.add(line.split(",", -1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** vCPUs of an instance type from the repo's entries or the shipped table, empty when neither knows it. */
    public Optional<Integer> vcpus(String instanceType) {
        return vcpus(null, instanceType);
    }

    /** The family of an instance type: the part before the dot (m6i.2xlarge → m6i). */
    public static String family(String instanceType) {
        int dot = instanceType.indexOf('.');
        return dot < 0 ? instanceType : instanceType.substring(0, dot);
    }

    /** The vCPU quota class of an instance type by its family prefix (inf2 → inf, g4dn → g-vt, m6i → standard). */
    public Optional<QuotaClass> quotaClass(String instanceType) {
        Matcher m = PREFIX.matcher(family(instanceType));
        return m.find() ? Optional.ofNullable(byPrefix.get(m.group(1))) : Optional.empty();
    }

    public List<QuotaClass> classes() {
        return classes;
    }

    public int size() {
        return vcpus.size();
    }
}
