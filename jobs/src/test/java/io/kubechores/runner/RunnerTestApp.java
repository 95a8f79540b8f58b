package io.kubechores.runner;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;

import java.nio.file.Path;
import java.util.List;

/**
 * The runner's beans (profile serve) on Spring Boot auto-configuration, with a {@link FakeChoreLauncher} instead
 * of the real launcher. Imports the runner classes explicitly (no component scan) so other packages' beans stay out.
 * {@link #main} starts one as a separate process (tests kill it mid-run).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({RunnerQuartzConfig.class, RunHistory.class, RunService.class, RunnerScheduler.class, StatusController.class,
        TokenThrottle.class, RunnerWebSecurity.class, RunBoard.class})
@Profile("serve")
public class RunnerTestApp {
    @Bean
    FakeChoreLauncher fakeChoreLauncher(JobRepository repository,
                                        @Value("${kubechores.home:target/runner-test-home}") String home,
                                        @Value("${kubechores.test.run-millis:50}") long runMillis) {
        FakeChoreLauncher launcher = new FakeChoreLauncher(repository,
                List.of("downscale", "rightsize", "quotas", "certs", "promote"), Path.of(home));
        launcher.runMillis = runMillis;
        return launcher;
    }

    /** {@code --kubechores.test.trigger-on-start=JOB} queues a manual dry run of JOB once the runner is up. */
    @Bean
    ApplicationRunner triggerOnStart(RunnerScheduler scheduler,
                                     @Value("${kubechores.test.trigger-on-start:}") String job) {
        return args -> {
            if (!job.isBlank()) scheduler.triggerNow(job, true, List.of(), null);
        };
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(RunnerTestApp.class).profiles("serve").run(args);
    }
}
