package io.kubechores.downscale;

import io.kubechores.model.downscale.DownscalePlan;

import io.kubechores.desiredstate.FleetSpec;

import java.util.Locale;
import java.util.Map;

/**
 * What the savings estimate's core-hours and GiB-hours are worth. Defaults: AWS EC2 on-demand Linux list prices of
 * the .large size in us-east-1 (AWS price list, "EC2 On-Demand Pricing"; check yours, other regions cost more), split
 * into a vCPU-hour and a GiB-hour price with the memory/vCPU price ratio of the same-generation compute- and
 * memory-optimised sizes (c6i.large 2 vCPU 4 GiB $0.085, r6i.large 2 vCPU 16 GiB $0.126: a GiB-hour costs 0.0958 of a
 * vCPU-hour). Family m6i unless the Fleet's downscale.prices says otherwise; explicit vcpuHour / gibHour win.
 *
 * @param vcpuHour  price of one vCPU-hour
 * @param gibHour   price of one GiB-hour
 * @param currency  e.g. USD
 * @param source    where the rates come from, shown in reports
 */
public record Prices(double vcpuHour, double gibHour, String currency, String source) {
    /** GiB-hour / vCPU-hour, from c6i.large vs r6i.large (same vCPUs, 12 GiB apart). */
    static final double GIB_PER_VCPU_PRICE = (0.126 - 0.085) / 12 / ((0.085 - 4 * (0.126 - 0.085) / 12) / 2);
    public static final String DEFAULT_FAMILY = "m6i";

    /** Family → {GiB of the .large size (2 vCPU), hourly on-demand price in USD, us-east-1}. */
    static final Map<String, double[]> LARGE = Map.ofEntries(
            Map.entry("c5", new double[]{4, 0.085}), Map.entry("m5", new double[]{8, 0.096}),
            Map.entry("r5", new double[]{16, 0.126}), Map.entry("c6i", new double[]{4, 0.085}),
            Map.entry("m6i", new double[]{8, 0.096}), Map.entry("r6i", new double[]{16, 0.126}),
            Map.entry("c7i", new double[]{4, 0.08925}), Map.entry("m7i", new double[]{8, 0.1008}),
            Map.entry("r7i", new double[]{16, 0.1323}), Map.entry("c7g", new double[]{4, 0.0725}),
            Map.entry("m7g", new double[]{8, 0.0816}), Map.entry("r7g", new double[]{16, 0.1071}),
            Map.entry("t3", new double[]{8, 0.0832}));

    /** The rates for the Fleet's setting (null = defaults); throws IllegalArgumentException for an unknown family. */
    public static Prices of(FleetSpec.Prices p) {
        String family = p == null || p.instanceFamily() == null ? DEFAULT_FAMILY
                : p.instanceFamily().strip().toLowerCase(Locale.ROOT);
        double[] large = LARGE.get(family);
        if (large == null) {
            throw new IllegalArgumentException("unknown instance family \"" + family + "\" (known: "
                    + String.join(", ", new java.util.TreeSet<>(LARGE.keySet())) + "; or give vcpuHour and gibHour)");
        }
        double v = large[1] / (2 + GIB_PER_VCPU_PRICE * large[0]);
        double g = GIB_PER_VCPU_PRICE * v;
        String source = family + " on-demand (us-east-1)";
        if (p != null && (p.vcpuHour() != null || p.gibHour() != null)) source = "Fleet downscale.prices";
        if (p != null && p.vcpuHour() != null) v = p.vcpuHour();
        if (p != null && p.gibHour() != null) g = p.gibHour();
        String currency = p == null || p.currency() == null ? "USD" : p.currency();
        return new Prices(v, g, currency, source);
    }

    public double cost(DownscalePlan.Savings s) {
        return s.cpuCoreHours() * vcpuHour + s.memoryGiBHours() * gibHour;
    }

    public String format(double amount) {
        return String.format(Locale.ROOT, "%.2f %s", amount, currency);
    }
}
