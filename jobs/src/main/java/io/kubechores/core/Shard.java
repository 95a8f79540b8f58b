package io.kubechores.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shard of a fleet too large for one pod ({@code --shard INDEX/COUNT}, a Kubernetes Indexed Job's pods): shard
 * INDEX of COUNT takes the clusters at positions INDEX, INDEX + COUNT, INDEX + 2·COUNT, ... of the run's cluster names
 * sorted alphabetically (after --cluster filtering).
 * <p>
 * Why sorted round-robin and not rendezvous hashing: it is exactly balanced (shard sizes differ by at most one, so
 * every pod of the Indexed Job can get the same resources and deadline) and deterministic, so the COUNT pods of one
 * Job, which load the same desired state, cover every cluster exactly once. What hashing would buy, few clusters
 * moving when one is added, buys nothing here: a shard keeps no state between runs, every run re-reads the live
 * state. (Pods of one Job that check out different revisions while a cluster is being added or removed may handle
 * a cluster twice, which is harmless because applies are idempotent, or miss it until the next run.)
 * <p>
 * Safety limits (fleet.yaml {@code maxChangesPerRun}) count per shard: COUNT shards may together make COUNT times
 * as many changes as one unsharded run.
 */
public record Shard(int index, int count) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

    /**
     * Jobs whose run is the sum of independent per-cluster work, so a shard of the clusters is a complete run:
     * downscale. Not rightsize (its finish rolls recommendations up across clusters into one PR per topic: two shards
     * would overwrite each other's PR), quotas (sums node pools across clusters per account/region), promote (prod
     * waits for the whole staging environment), certs (one Pushgateway group for the fleet's metrics and a fleet-wide
     * endpoint scan, which shards would overwrite / repeat).
     */
    public static final Set<String> SHARDABLE_JOBS = Set.of("downscale");

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": need 0 <= INDEX < COUNT");
        }
    }

    /**
     * Reads INDEX/COUNT as written on the command line (e.g. {@code 0/4}).
     *
     * @throws IllegalArgumentException with a message for the user when it is not INDEX/COUNT with 0 <= INDEX < COUNT
     */
    public static Shard parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--shard: expected INDEX/COUNT such as 0/4, got '" + text + "'");
        }
        int index = Integer.parseInt(m.group(1));
        int count = Integer.parseInt(m.group(2));
        if (count < 1) throw new IllegalArgumentException("--shard " + text.strip() + ": COUNT must be at least 1");
        if (index >= count) {
            throw new IllegalArgumentException("--shard " + text.strip() + ": need 0 <= INDEX < COUNT (shards of " + count
                    + " are numbered 0 to " + (count - 1) + ")");
        }
        return new Shard(index, count);
    }

    /** The names this shard takes, in sorted order (empty when there are fewer names than shards). */
    public List<String> select(Collection<String> names) {
        List<String> sorted = names.stream().distinct().sorted().toList();
        List<String> mine = new ArrayList<>();
        for (int i = index; i < sorted.size(); i += count) mine.add(sorted.get(i));
        return mine;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
