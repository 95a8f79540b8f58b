package io.kubechores.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: the runner, not each chore, decides that a dry run applies nothing. A chore whose apply steps record that
 * they ran: a plan reports the partitions' planned results and the roll-up's planned actions and never reaches apply
 * or applyRollUp; a run reaches both, in the order plan → apply per partition, then roll-up → applyRollUp → report.
 */
class ChoreRunnerTest {

    record Roll(List<Action> actions) implements RollUp {}

    /** Records every step; apply steps turn PLANNED into APPLIED. */
    static class Recording implements Chore<PartitionPlan<String>, String, Roll> {
        final List<String> steps = Collections.synchronizedList(new ArrayList<>());

        public String name() { return "recording"; }
        public String description() { return "test"; }
        public List<String> partitions(ChoreContext ctx) { return List.of("a", "b"); }

        public PartitionPlan<String> plan(ChoreContext ctx, String p) {
            steps.add("plan " + p);
            Action a = new Action(p + "/x", "touch", "1 → 2", "test", Action.Status.PLANNED);
            return () -> PartitionResult.ok(p, List.of(a), List.of(), "data of " + p);
        }

        @Override
        public PartitionResult<String> apply(ChoreContext ctx, PartitionPlan<String> plan) {
            PartitionResult<String> r = plan.planned();
            steps.add("apply " + r.partition());
            return PartitionResult.ok(r.partition(), r.actions().stream()
                    .map(a -> a.withStatus(Action.Status.APPLIED)).toList(), List.of(), r.data());
        }

        public Roll rollUp(ChoreContext ctx, List<PartitionResult<String>> results) {
            steps.add("rollUp " + results.stream().map(PartitionResult::data).filter(java.util.Objects::nonNull).sorted().toList());
            return new Roll(List.of(new Action("forge", "open-pr", "one PR", "test", Action.Status.PLANNED)));
        }

        @Override
        public Roll applyRollUp(ChoreContext ctx, Roll roll) {
            steps.add("applyRollUp");
            return new Roll(roll.actions().stream().map(a -> a.withStatus(Action.Status.APPLIED)).toList());
        }

        public ChoreReport report(ChoreContext ctx, List<PartitionResult<String>> results, Roll roll) {
            steps.add("report " + roll.actions().getFirst().status());
            return ChoreReport.of("done", List.of());
        }
    }

    static ChoreContext ctx(boolean dryRun) {
        return new ChoreContext("recording", null, null, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), dryRun,
                SafetyLimit.unlimited(), AuditLog.NONE, null);
    }

    @ParameterizedTest(name = "dryRun={0}")
    @ValueSource(booleans = {true, false})
    void applyStepsRunOnlyOnARealRun(boolean dryRun) throws Exception {
        Recording chore = new Recording();
        ChoreRunner.Outcome<String> o = ChoreRunner.run(chore, ctx(dryRun), 1);

        Action.Status expected = dryRun ? Action.Status.PLANNED : Action.Status.APPLIED;
        assertThat(o.allActions()).hasSize(3).allSatisfy(a -> assertThat(a.status()).isEqualTo(expected));
        assertThat(o.partitions()).extracting(PartitionResult::data).containsExactlyInAnyOrder("data of a", "data of b");
        if (dryRun) {
            assertThat(chore.steps).noneMatch(s -> s.startsWith("apply"));
        } else {
            assertThat(chore.steps).contains("apply a", "apply b", "applyRollUp");
            assertThat(chore.steps.indexOf("apply a")).isGreaterThan(chore.steps.indexOf("plan a"));
        }
        assertThat(chore.steps.subList(chore.steps.size() - (dryRun ? 2 : 3), chore.steps.size())).containsExactly(
                dryRun ? new String[]{"rollUp [data of a, data of b]", "report PLANNED"}
                        : new String[]{"rollUp [data of a, data of b]", "applyRollUp", "report APPLIED"});
    }

    @ParameterizedTest(name = "dryRun={0}")
    @ValueSource(booleans = {true, false})
    void aFailedPlanFailsOnlyItsPartitionAndNeverApplies(boolean dryRun) throws Exception {
        Recording chore = new Recording() {
            @Override
            public PartitionPlan<String> plan(ChoreContext ctx, String p) {
                if (p.equals("a")) throw new IllegalStateException("API server answered 500");
                return super.plan(ctx, p);
            }
        };
        ChoreRunner.Outcome<String> o = ChoreRunner.run(chore, ctx(dryRun), 2);

        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.partitions()).filteredOn(PartitionResult::isFailed).singleElement().satisfies(p -> {
            assertThat(p.partition()).isEqualTo("a");
            assertThat(p.error()).contains("API server answered 500");
            assertThat(p.data()).isNull();
        });
        assertThat(chore.steps).doesNotContain("apply a");
        assertThat(chore.steps).contains(dryRun ? "plan b" : "apply b");
    }

    @org.junit.jupiter.api.Test
    void aPlanHoldingResourcesIsClosedAfterItsPartition() throws Exception {
        List<String> closed = Collections.synchronizedList(new ArrayList<>());
        record Held(String p, List<String> closed) implements PartitionPlan<String>, AutoCloseable {
            public PartitionResult<String> planned() { return PartitionResult.ok(p, List.of(), List.of(), p); }
            public void close() { closed.add(p); }
        }
        Chore<Held, String, RollUp> chore = new Chore<>() {
            public String name() { return "held"; }
            public String description() { return "test"; }
            public List<String> partitions(ChoreContext ctx) { return List.of("a", "b"); }
            public Held plan(ChoreContext ctx, String p) { return new Held(p, closed); }
            public RollUp rollUp(ChoreContext ctx, List<PartitionResult<String>> results) { return RollUp.NONE; }
            public ChoreReport report(ChoreContext ctx, List<PartitionResult<String>> r, RollUp u) {
                return ChoreReport.of("done", List.of());
            }
        };
        ChoreRunner.run(chore, ctx(false), 1);
        assertThat(closed).containsExactlyInAnyOrder("a", "b");
    }
}
