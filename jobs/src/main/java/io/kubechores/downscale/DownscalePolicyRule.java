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
 * DownscalePolicy semantics beyond the schema: uptime/downtime parse in the schedule grammar (the error names the
 * column inside the string), gracePeriod is a duration.
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
        for (Resource<DownscalePolicySpec> p : state.downscalePolicies()) {
            schedule(p, "uptime", p.spec().uptime(), zone, problems);
            schedule(p, "downtime", p.spec().downtime(), zone, problems);
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
                                 List<Problem> problems) {
        if (value == null) return;
        try {
            Schedule.parse(value, zone);
        } catch (ScheduleParseException e) {
            problems.add(new Problem(p.locationOf("/spec/" + field), "spec." + field, e.getMessage()));
        }
    }
}
