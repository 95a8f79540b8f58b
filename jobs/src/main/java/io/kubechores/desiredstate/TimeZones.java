package io.kubechores.desiredstate;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The time zones a desired-state repo may name: IANA region ids (Area/Location such as Europe/Berlin, as listed by
 * the JVM's tz database) and UTC. {@link ZoneId#of} also takes fixed offsets ("+02:00", "GMT+2", "UTC+1") and the
 * deprecated three-letter and SystemV ids: those are refused, because an offset does not follow daylight-saving
 * time, which a schedule on a wall clock expects (java.time.ZoneId javadoc: "ZoneOffset ... fixed offset",
 * "region-based ID ... the format is '{area}/{city}'"). Etc/ ids are offsets in disguise (Etc/GMT+2 is UTC-2,
 * per the tz database's etcetera file) and are refused too, except Etc/UTC.
 */
public final class TimeZones {
    /**
     * tz database zones without a slash that follow daylight-saving rules (files europe and northamerica: "Zone CET
     * 1:00 C-Eur CE%sT", "Zone EST5EDT -5:00 US E%sT"...): kube-downscaler's own tests and README write "CET"
     * (py-kube-downscaler tests/test_time.py), so annotations copied from it stay valid. EST, MST and HST are fixed
     * offsets and stay refused.
     */
    private static final Set<String> RULE_ZONES = Set.of("CET", "EET", "MET", "WET", "CST6CDT", "EST5EDT", "MST7MDT",
            "PST8PDT");

    private static final Set<String> REGIONS = ZoneId.getAvailableZoneIds().stream()
            .filter(TimeZones::regionShaped).collect(Collectors.toUnmodifiableSet());

    private TimeZones() {}

    /** The zone when {@code id} is an IANA region id or UTC; empty otherwise. */
    public static Optional<ZoneId> region(String id) {
        if (id == null) return Optional.empty();
        if (id.equals("UTC") || id.equals("Etc/UTC")) return Optional.of(ZoneId.of(id));
        return REGIONS.contains(id) ? Optional.of(ZoneId.of(id)) : Optional.empty();
    }

    /** Every accepted id (for "did you mean"). */
    public static List<String> ids() {
        return REGIONS.stream().sorted().toList();
    }

    private static boolean regionShaped(String id) {
        int slash = id.indexOf('/');
        return (slash > 0 && !id.startsWith("Etc/") && !id.startsWith("SystemV/")) || RULE_ZONES.contains(id);
    }
}
