package io.kubechores.downscale;

import io.kubechores.core.Durations;
import io.kubechores.core.schedule.Schedule;
import io.kubechores.core.schedule.ScheduleParseException;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Problem;
import io.kubechores.desiredstate.Resource;
import org.springframework.stereotype.Component;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;

/**
 * DownscalePolicy semantics beyond the schema: uptime/downtime parse in the schedule grammar (the error is located at
 * the value and names the column inside the string), uptime and downtime are not both given, gracePeriod is a
 * duration; the Fleet's downscale.defaultWeekFrame is a day range.
 */
@Component
public class DownscalePolicyRule implements DesiredStateRule {
    @Override
    public void check(DesiredState state, List<Problem> problems) {
        ZoneId zone;
        try {
            zone = ZoneId.of(state.fleetSpec().timeZone());
        } catch (DateTimeException e) {
            zone = null; // the Fleet rule reports it; schedules then need their own zone
        }
        Schedule.WeekFrame frame = null;
        String frameText = state.fleetSpec().downscale().defaultWeekFrame();
        if (frameText != null) {
            try {
                frame = Schedule.WeekFrame.parse(frameText);
            } catch (ScheduleParseException e) {
                problems.add(new Problem(state.fleet().locationOf("/spec/downscale/defaultWeekFrame#value"),
                        "spec.downscale.defaultWeekFrame", e.problem()));
            }
        }
        try {
            Prices.of(state.fleetSpec().downscale().prices());
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(state.fleet().locationOf("/spec/downscale/prices/instanceFamily#value"),
                    "spec.downscale.prices.instanceFamily", e.getMessage()));
        }
        for (Resource<DownscalePolicySpec> p : state.downscalePolicies()) {
            if (p.spec().uptime() != null && p.spec().downtime() != null) {
                problems.add(new Problem(p.locationOf("/spec/downtime"), "spec.downtime",
                        "give uptime or downtime, not both (each is the other's complement: uptime "
                                + "\"Mon-Fri 07:30-20:30\" means downtime at every other time)"));
            }
            schedule(p, "uptime", p.spec().uptime(), zone, frame, problems);
            schedule(p, "downtime", p.spec().downtime(), zone, frame, problems);
            if (p.spec().gracePeriod() != null) {
                try {
                    Durations.parse(p.spec().gracePeriod());
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(p.locationOf("/spec/gracePeriod"), "spec.gracePeriod", e.getMessage()));
                }
            }
        }
    }

    private static void schedule(Resource<DownscalePolicySpec> p, String field, String value, ZoneId zone,
                                 Schedule.WeekFrame frame, List<Problem> problems) {
        if (value == null) return;
        try {
            Schedule.parse(value, zone, frame);
        } catch (ScheduleParseException e) {
            problems.add(new Problem(p.locationOf("/spec/" + field + "#value"), "spec." + field, e.getMessage()));
        }
    }
}
