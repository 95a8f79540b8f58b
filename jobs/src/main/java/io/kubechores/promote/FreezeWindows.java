package io.kubechores.promote;

import io.kubechores.desiredstate.FleetSpec;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Fleet's freeze windows: absolute windows (start/end local date-times in the Fleet's time zone, end
 * exclusive) and recurring ones written in the shared schedule grammar.
 */
public final class FreezeWindows {
    /** Parses a recurring schedule (the shared grammar) with the Fleet's zone as fallback. */
    @FunctionalInterface
    public interface ScheduleParser {
        FreezeWindow.Span parse(String text, ZoneId fallbackZone);
    }

    private FreezeWindows() {}

    public static List<FreezeWindow> from(FleetSpec fleet, ScheduleParser parser) {
        ZoneId zone = ZoneId.of(fleet.timeZone());
        List<FreezeWindow> out = new ArrayList<>();
        for (FleetSpec.FreezeWindow w : fleet.freezeWindows()) {
            boolean allow = "Allow".equalsIgnoreCase(w.type());
            String name = w.name() == null ? (allow ? "allow-window" : "deny-window") : w.name();
            if (w.schedule() != null) {
                out.add(new FreezeWindow(name, allow, parser.parse(w.schedule(), zone), w.schedule()));
            } else {
                Instant start = w.start() == null ? Instant.MIN : LocalDateTime.parse(w.start()).atZone(zone).toInstant();
                Instant end = w.end() == null ? Instant.MAX : LocalDateTime.parse(w.end()).atZone(zone).toInstant();
                out.add(new FreezeWindow(name, allow, t -> !t.isBefore(start) && t.isBefore(end),
                        (w.start() == null ? "" : w.start()) + ".." + (w.end() == null ? "" : w.end()) + " " + zone));
            }
        }
        return out;
    }
}
