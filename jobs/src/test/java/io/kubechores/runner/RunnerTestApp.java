package io.kubechores.runner;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;

import java.util.List;

/**
 * The runner's beans (profile serve) on Spring Boot auto-configuration, with a {@link FakeChoreLauncher} instead
 * of the real launcher. Imports the runner classes explicitly (no component scan) so other packages' beans stay out.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({RunnerQuartzConfig.class, RunHistory.class, RunService.class, RunnerScheduler.class, StatusController.class})
@Profile("serve")
public class RunnerTestApp {
    @Bean
    FakeChoreLauncher fakeChoreLauncher(JobRepository repository) {
        return new FakeChoreLauncher(repository, List.of("downscale", "rightsize", "quotas", "certs", "promote"));
    }
}
