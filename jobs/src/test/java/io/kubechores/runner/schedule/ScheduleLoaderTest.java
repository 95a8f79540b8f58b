package io.kubechores.runner.schedule;

import io.kubechores.desiredstate.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** schedules/ loads; each broken schedule is reported with file:line:column, field and a message a user can act on. */
class ScheduleLoaderTest {
    static final Path SCHEDULES = Path.of("../schedules");
    static final Path BROKEN = Path.of("src/test/resources/runner/schedules-broken");

    @Test
    void theShippedSchedulesLoad() {
        List<JobSchedule> all = new ScheduleLoader().load(SCHEDULES);
        assertThat(all).extracting(JobSchedule::name).containsExactly("certs-daily", "certs-prod-plan-weekly",
                "downscale-every-15-min", "promote-hourly", "quotas-daily", "rightsize-weekly");
        assertThat(all.stream().filter(JobSchedule::enabled).map(JobSchedule::job).distinct())
                .as("every job has an enabled schedule")
                .containsExactlyInAnyOrder("downscale", "rightsize", "quotas", "certs", "promote");
        JobSchedule plan = all.stream().filter(s -> s.name().equals("certs-prod-plan-weekly")).findFirst().orElseThrow();
        assertThat(plan.enabled()).isFalse();
        assertThat(plan.args()).isEqualTo(new JobSchedule.Args(true, List.of("prod-eu-1", "prod-us-1"), null, "release"));
        assertThat(plan.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(plan.location().toString()).isEqualTo("schedules/certs-prod-plan-weekly.yaml:4:1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad-cron.yaml           | schedules-broken/bad-cron.yaml:3:7: cron: invalid cron '0 25 * * *': Failed to parse cron expression. Value 25 not in range [0, 23]
            six-fields.yaml         | schedules-broken/six-fields.yaml:3:7: cron: invalid cron '0 0 7 * * ?': cron must have 5 fields (minute hour day-of-month month day-of-week), got '0 0 7 * * ?'
            bad-zone.yaml           | schedules-broken/bad-zone.yaml:4:11: timeZone: unknown time zone 'Europe/Berlinn' (use an IANA name such as Europe/Berlin or Etc/UTC)
            unknown-job.yaml        | schedules-broken/unknown-job.yaml:2:6: job: does not have a value in the enumeration ["downscale", "rightsize", "quotas", "certs", "promote"]
            unknown-field.yaml      | schedules-broken/unknown-field.yaml:5:1: schedule: unknown field 'schedule'
            missing-zone.yaml       | schedules-broken/missing-zone.yaml:1:1: missing required field 'timeZone'
            wrong-type.yaml         | schedules-broken/wrong-type.yaml:5:10: enabled: string found, boolean expected
            bad-args.yaml           | schedules-broken/bad-args.yaml:7:25: args.clusters[1]: does not match the regex pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
            replace.yaml            | schedules-broken/replace.yaml:5:20: concurrencyPolicy: does not have a value in the enumeration ["Forbid"]
            file-name-mismatch.yaml | schedules-broken/file-name-mismatch.yaml:1:7: name: file name must be the schedule name: rename the file to other-name.yaml or the schedule to 'file-name-mismatch'
            bad-yaml.yaml           | schedules-broken/bad-yaml.yaml:5:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar started at line 3); a quote or bracket is not closed
            two-docs.yaml           | schedules-broken/two-docs.yaml:6:1: one schedule per file (this file holds 2)
            dup-key.yaml            | schedules-broken/dup-key.yaml:3:1: job: duplicate key 'job' (first at line 2; YAML keeps only one of them)
            bad-name.yaml           | schedules-broken/bad-name.yaml:1:7: name: does not match the regex pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
            shards-zero.yaml        | schedules-broken/shards-zero.yaml:5:9: shards: must have a minimum value of 1
            shards-not-shardable.yaml | schedules-broken/shards-not-shardable.yaml:5:9: shards: job 'rightsize' cannot be sharded (only downscale: jobs whose run is independent work per cluster); remove shards
            """)
    void eachBrokenScheduleNamesFileLineAndField(String file, String expected) {
        List<Problem> problems = new ArrayList<>();
        List<JobSchedule> loaded = new ScheduleLoader().load(List.of(source(file)), problems);
        assertThat(problems).extracting(Problem::toString).containsExactly(expected);
        assertThat(loaded).isEmpty();
    }

    @Test
    void shardsIsOptionalAndDefaultsToOne() {
        List<JobSchedule> sharded = new ScheduleLoader().load(Path.of("src/test/resources/runner/schedules-sharded"));
        assertThat(sharded).singleElement().satisfies(s -> {
            assertThat(s.job()).isEqualTo("downscale");
            assertThat(s.shards()).isEqualTo(3);
        });
        assertThat(new ScheduleLoader().load(SCHEDULES)).allSatisfy(s -> assertThat(s.shards()).isEqualTo(1));
    }

    @Test
    void allProblemsOfAFolderAreListedAndNothingIsReturned() {
        assertThatThrownBy(() -> new ScheduleLoader().load(BROKEN))
                .isInstanceOfSatisfying(InvalidSchedulesException.class, e -> {
                    assertThat(e.problems()).hasSize(16);
                    assertThat(e.getMessage()).startsWith("16 problem(s) in schedules:\n  schedules-broken/bad-args.yaml:7:25");
                });
    }

    @Test
    void duplicateNamesAcrossFilesPointAtTheFirst(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("schedules"));
        String s = "name: certs-daily\njob: certs\ncron: \"0 7 * * *\"\ntimeZone: Etc/UTC\n";
        Files.writeString(folder.resolve("certs-daily.yaml"), s);
        Files.writeString(folder.resolve("certs-daily.yml"), "# copy\n" + s);
        assertThatThrownBy(() -> new ScheduleLoader().load(folder))
                .isInstanceOfSatisfying(InvalidSchedulesException.class, e -> assertThat(e.problems())
                        .extracting(Problem::toString).containsExactly(
                                "schedules/certs-daily.yml:2:1: name: duplicate schedule name 'certs-daily' (first at schedules/certs-daily.yaml:1:1)"));
    }

    private static ScheduleLoader.Source source(String file) {
        try {
            return new ScheduleLoader.Source("schedules-broken/" + file,
                    Files.readString(BROKEN.resolve(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
