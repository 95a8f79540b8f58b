package io.kubechores.cli;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.desiredstate.Resource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * A chore for launcher/CLI tests only (enabled by kubechores.test.echo-chore=true): one partition per cluster, one
 * "touch" action each; a cluster named in kubechores.test.fail fails.
 */
@Component
@ConditionalOnProperty("kubechores.test.echo-chore")
public class EchoChore implements Chore<PartitionPlan<Void>, Void, RollUp> {
    private final String name;

    public EchoChore() {
        this("echo");
    }

    /** An echo chore posing as another job (to read that job's settings from fleet.yaml). */
    public EchoChore(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "test chore";
    }

    @Override
    public List<String> partitions(ChoreContext ctx) {
        return ctx.state().clusters().stream().map(Resource::name).toList();
    }

    @Override
    public PartitionPlan<Void> plan(ChoreContext ctx, String cluster) {
        if (cluster.equals(System.getProperty("kubechores.test.fail"))) {
            throw new IllegalStateException("API server answered 500");
        }
        Action a = new Action(cluster + "/default/ConfigMap/echo", "touch", "x 1 → 2", "test rule", Action.Status.PLANNED);
        return () -> PartitionResult.ok(cluster, List.of(a), List.of(), null);
    }

    @Override
    public PartitionResult<Void> apply(ChoreContext ctx, PartitionPlan<Void> plan) {
        PartitionResult<Void> planned = plan.planned();
        List<Action> out = new ArrayList<>();
        for (Action a : planned.actions()) {
            out.add(ctx.limit().tryAcquire() ? ctx.applied(a) : a.withStatus(Action.Status.LIMITED));
        }
        return PartitionResult.ok(planned.partition(), out, List.of(), null);
    }

    @Override
    public RollUp rollUp(ChoreContext ctx, List<PartitionResult<Void>> results) {
        return RollUp.NONE;
    }

    @Override
    public ChoreReport report(ChoreContext ctx, List<PartitionResult<Void>> results, RollUp rollUp) {
        return ChoreReport.of("echoed " + results.size() + " clusters", List.of());
    }
}
