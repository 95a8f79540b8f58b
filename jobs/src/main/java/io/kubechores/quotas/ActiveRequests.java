package io.kubechores.quotas;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The active-request limits of Service Quotas, counted per account over a run: at most {@code perRegion} active
 * (PENDING or CASE_OPENED) increase requests per Region and {@code perAccount} in the whole account (AWS documents 2
 * per Region and 20 per account, not adjustable: Service Quotas user guide, "Service quotas for Service Quotas",
 * https://docs.aws.amazon.com/servicequotas/latest/userguide/reference_limits.html). The requests already open are
 * counted once per account (every region of the account in the run), then each request filed (or planned, in a
 * dry run) takes a slot. Thread-safe: the partitions of one account run in parallel.
 */
public final class ActiveRequests {
    /** The documented limits. */
    public record Limits(int perAccount, int perRegion) {
        public static final Limits AWS = new Limits(20, 2);
    }

    /** What the open requests of one region counted: a number, or why it could not be read (counted as 0). */
    public record Count(int open, String unreadable) {}

    private final Limits limits;
    private final Map<String, Account> accounts = new HashMap<>();

    public ActiveRequests(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    private static final class Account {
        final Map<String, Integer> openByRegion = new HashMap<>();
        final Map<String, Integer> takenByRegion = new HashMap<>();
        final Map<String, String> unreadable = new HashMap<>();
        int taken;

        int total() {
            return openByRegion.values().stream().mapToInt(Integer::intValue).sum() + taken;
        }

        int inRegion(String region) {
            return openByRegion.getOrDefault(region, 0) + takenByRegion.getOrDefault(region, 0);
        }
    }

    /**
     * Takes a slot for one more request in accountId/region, counting the account's open requests first if not yet
     * done (counter: region → its count; called once per region of the account, under this account's lock).
     *
     * @return null when a request may be filed, else why it is deferred
     */
    public String take(String accountId, String region, Iterable<String> regionsOfAccount,
                       Function<String, Count> counter) {
        Account a = account(accountId, regionsOfAccount, counter);
        synchronized (a) {
            int inRegion = a.inRegion(region);
            if (inRegion >= limits.perRegion()) {
                return inRegion + " active requests in " + region + " (" + a.openByRegion.getOrDefault(region, 0)
                        + " open before this run, " + a.takenByRegion.getOrDefault(region, 0) + " filed now; AWS allows "
                        + limits.perRegion() + " per Region)";
            }
            int total = a.total();
            if (total >= limits.perAccount()) {
                return total + " active requests in account " + accountId + " (" + (total - a.taken)
                        + " open before this run, " + a.taken + " filed now; AWS allows " + limits.perAccount()
                        + " per account)";
            }
            a.taken++;
            a.takenByRegion.merge(region, 1, Integer::sum);
            return null;
        }
    }

    /** Gives back a slot taken by {@link #take} when the request was not filed after all. */
    public void release(String accountId, String region) {
        Account a;
        synchronized (accounts) {
            a = accounts.get(accountId);
        }
        if (a == null) return;
        synchronized (a) {
            if (a.takenByRegion.getOrDefault(region, 0) > 0) {
                a.taken--;
                a.takenByRegion.merge(region, -1, Integer::sum);
            }
        }
    }

    /** AWS answered QuotaExceededException: the region is full whatever was counted (others may have filed). */
    public void regionFull(String accountId, String region) {
        Account a;
        synchronized (accounts) {
            a = accounts.get(accountId);
        }
        if (a == null) return;
        synchronized (a) {
            a.openByRegion.put(region, Math.max(a.openByRegion.getOrDefault(region, 0),
                    limits.perRegion() - a.takenByRegion.getOrDefault(region, 0)));
        }
    }

    /** Regions whose open requests could not be counted (region → error), for the report. */
    public Map<String, String> unreadable(String accountId) {
        Account a;
        synchronized (accounts) {
            a = accounts.get(accountId);
        }
        if (a == null) return Map.of();
        synchronized (a) {
            return Map.copyOf(a.unreadable);
        }
    }

    private Account account(String accountId, Iterable<String> regions, Function<String, Count> counter) {
        Account a;
        synchronized (accounts) {
            a = accounts.computeIfAbsent(accountId, k -> new Account());
        }
        synchronized (a) {
            for (String r : regions) {
                if (a.openByRegion.containsKey(r)) continue;
                Count c = counter.apply(r);
                a.openByRegion.put(r, c.open());
                if (c.unreadable() != null) a.unreadable.put(r, c.unreadable());
            }
        }
        return a;
    }
}
