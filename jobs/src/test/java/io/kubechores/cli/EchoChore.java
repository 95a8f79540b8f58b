package io.kubechores.cli;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionResult;
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
public class EchoChore implements Chore {
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
    public PartitionResult runPartition(ChoreContext ctx, String cluster) {
        if (cluster.equals(System.getProperty("kubechores.test.fail"))) {
            throw new IllegalStateException("API server answered 500");
        }
        List<Action> out = new ArrayList<>();
        Action a = new Action(cluster + "/default/ConfigMap/echo", "touch", "x 1 → 2", "test rule", Action.Status.PLANNED);
        if (ctx.dryRun()) out.add(a);
        else if (!ctx.limit().tryAcquire()) out.add(a.withStatus(Action.Status.LIMITED));
        else out.add(ctx.applied(a));
        return PartitionResult.ok(cluster, out, List.of());
    }

    @Override
    public ChoreReport finish(ChoreContext ctx, List<PartitionResult> results) {
        return ChoreReport.of("echoed " + results.size() + " clusters", List.of());
    }
}
