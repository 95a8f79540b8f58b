package io.kubechores.runner;

import io.kubechores.runner.schedule.JobSchedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Jenkinsfile's cron triggers, generated from schedules/: one Parameterized Scheduler line per enabled
 * schedule ({@code cron %JOB=..;DRY_RUN=..;CLUSTERS=..;REF=..}). That plugin reads one {@code TZ=} line, first in the
 * spec, for every line, so all enabled schedules must share one time zone (it is checked here).
 * The block sits between {@link #BEGIN} and {@link #END} in the Jenkinsfile; {@link #update} rewrites it.
 */
public final class JenkinsTriggers {
    public static final String BEGIN = "// BEGIN GENERATED triggers from schedules/ (JenkinsTriggers): edit schedules/, not this block";
    public static final String END = "// END GENERATED triggers";

    private JenkinsTriggers() {}

    /** The text between the markers (indented for the triggers { } block). */
    public static String block(List<JobSchedule> schedules) {
        List<JobSchedule> enabled = schedules.stream().filter(JobSchedule::enabled).toList();
        Set<ZoneId> zones = enabled.stream().map(JobSchedule::timeZone).collect(Collectors.toSet());
        if (zones.size() > 1) {
            throw new IllegalArgumentException("Jenkins' Parameterized Scheduler takes one time zone per pipeline, "
                    + "but enabled schedules use " + zones.stream().map(ZoneId::getId).sorted().toList()
                    + ": put them in one zone (or disable the odd one for Jenkins)");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("    parameterizedCron('''\n");
        if (!zones.isEmpty()) sb.append("TZ=").append(zones.iterator().next().getId()).append('\n');
        for (JobSchedule s : enabled) {
            sb.append("# ").append(s.name()).append(": ").append(s.description()).append('\n');
            sb.append(line(s)).append('\n');
        }
        sb.append("''')\n");
        return sb.toString();
    }

    /** One spec line: the 5-field cron, then the build parameters. */
    public static String line(JobSchedule s) {
        return s.cron() + " %JOB=" + s.job() + ";DRY_RUN=" + s.args().dryRun()
                + ";CLUSTERS=" + String.join(",", s.args().clusters())
                + ";REF=" + (s.args().ref() == null ? "" : s.args().ref());
    }

    /** The Jenkinsfile text with the generated block replaced. */
    public static String update(String jenkinsfile, List<JobSchedule> schedules) {
        int b = jenkinsfile.indexOf(BEGIN);
        int e = jenkinsfile.indexOf(END);
        if (b < 0 || e < b) throw new IllegalArgumentException("Jenkinsfile has no generated triggers block (" + BEGIN + ")");
        int blockStart = jenkinsfile.indexOf('\n', b) + 1;
        int endLineStart = jenkinsfile.lastIndexOf('\n', e) + 1;
        return jenkinsfile.substring(0, blockStart) + block(schedules) + jenkinsfile.substring(endLineStart);
    }

    /** Rewrites the block in a Jenkinsfile on disk; returns true when it changed. */
    public static boolean update(Path jenkinsfile, List<JobSchedule> schedules) {
        try {
            String before = Files.readString(jenkinsfile, StandardCharsets.UTF_8);
            String after = update(before, schedules);
            if (after.equals(before)) return false;
            Files.writeString(jenkinsfile, after, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
