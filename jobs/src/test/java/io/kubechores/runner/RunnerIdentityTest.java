package io.kubechores.runner;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunnerIdentityTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "recover_runner-7f9c:1:1796101111500#1_0, runner-7f9c:1:1796101111500",
            "recover_runner-7f9c:1:1796101111500#2_17, runner-7f9c:1:1796101111500",
            "recover_my_host:42:1000#1_3, my_host:42:1000",
            "recover_old-instance-AUTO1700000000000_0, old-instance-AUTO1700000000000"})
    void theDeadRunnerIsReadFromQuartzRecoveryTriggerNames(String trigger, String runner) {
        assertThat(ChoreQuartzJob.deadInstance(trigger)).isEqualTo(runner);
    }

    @Test
    void thisProcessIsAliveAndAProcessThatNeverExistedIsDead() {
        String me = RunnerIdentity.id();
        assertThat(RunnerIdentity.parse(me)).hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid()));
        assertThat(RunnerIdentity.isDeadHere(me)).isFalse();
        RunnerIdentity.Parsed p = RunnerIdentity.parse(me).orElseThrow();
        assertThat(RunnerIdentity.isDeadHere(p.host() + ":" + p.pid() + ":" + (p.startMillis() - 3_600_000)))
                .as("same pid, started at another time: a reused pid").isTrue();
        assertThat(RunnerIdentity.isDeadHere(p.host() + ":" + Integer.MAX_VALUE + ":1")).isTrue();
        assertThat(RunnerIdentity.isDeadHere("some-other-host:1:1")).as("other hosts are not judged").isFalse();
        assertThat(RunnerIdentity.isDeadHere("garbage")).isFalse();
        assertThat(RunnerIdentity.schedulerInstanceId()).startsWith(me + "#");
    }
}
