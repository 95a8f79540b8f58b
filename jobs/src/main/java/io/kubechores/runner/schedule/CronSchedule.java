package io.kubechores.runner.schedule;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A standard 5-field (Unix/Kubernetes) cron expression parsed with cron-utils: next fire times in a time zone,
 * and the equivalent Quartz expression for the runner's CronTrigger.
 */
public final class CronSchedule {
    private static final CronDefinition UNIX = CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX);
    private static final CronParser PARSER = new CronParser(UNIX);

    private final String expression;
    private final Cron cron;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, Cron cron) {
        this.expression = expression;
        this.cron = cron;
        this.executionTime = ExecutionTime.forCron(cron);
    }

    /** @throws IllegalArgumentException with cron-utils' explanation when the expression is not valid 5-field cron */
    public static CronSchedule parse(String expression) {
        if (expression == null || expression.isBlank()) throw new IllegalArgumentException("empty cron expression");
        String normalized = expression.trim().replaceAll("\\s+", " ");
        if (normalized.split(" ").length != 5) {
            throw new IllegalArgumentException("cron must have 5 fields (minute hour day-of-month month day-of-week), got '"
                    + expression + "'");
        }
        Cron c = PARSER.parse(normalized);
        c.validate();
        return new CronSchedule(normalized, c);
    }

    public String expression() {
        return expression;
    }

    /** The next fire time strictly after {@code after}, in {@code zone}. */
    public Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone) {
        return executionTime.nextExecution(after.withZoneSameInstant(zone));
    }

    /** The next {@code n} fire times strictly after {@code after}, in {@code zone}. */
    public List<ZonedDateTime> next(ZonedDateTime after, ZoneId zone, int n) {
        List<ZonedDateTime> out = new ArrayList<>(n);
        ZonedDateTime t = after;
        for (int i = 0; i < n; i++) {
            Optional<ZonedDateTime> nx = next(t, zone);
            if (nx.isEmpty()) break;
            out.add(nx.get());
            t = nx.get();
        }
        return out;
    }

    /** The same schedule as a Quartz cron expression (seconds field added, '?' in one day field, Sunday = 1). */
    public String quartz() {
        return CronMapper.fromUnixToQuartz().map(cron).asString();
    }

    @Override
    public String toString() {
        return expression;
    }
}
