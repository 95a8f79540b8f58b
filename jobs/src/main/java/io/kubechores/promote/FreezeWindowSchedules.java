package io.kubechores.promote;

import io.kubechores.core.schedule.Schedule;

import java.time.ZoneId;

/** Recurring freeze windows in the shared schedule grammar (io.kubechores.core.schedule, kube-downscaler's). */
final class FreezeWindowSchedules {
    private FreezeWindowSchedules() {}

    static FreezeWindow.Span parse(String text, ZoneId fallbackZone) {
        return Schedule.parse(text, fallbackZone)::contains;
    }
}
