package io.kubechores.runner;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner's beans exist only under profile serve: run/plan/validate/demo start no scheduler and no status page. */
class RunnerProfileTest {
    @Test
    void withoutProfileServeNoRunnerBeanIsCreated() {
        new ApplicationContextRunner()
                .withUserConfiguration(RunnerQuartzConfig.class, RunHistory.class, RunService.class,
                        RunnerScheduler.class, StatusController.class)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).doesNotHaveBean(RunnerScheduler.class).doesNotHaveBean(StatusController.class)
                            .doesNotHaveBean(RunService.class).doesNotHaveBean(RunHistory.class)
                            .doesNotHaveBean("kubechoresQuartzStore");
                });
    }
}
