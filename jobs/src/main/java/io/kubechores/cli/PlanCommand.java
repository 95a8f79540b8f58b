package io.kubechores.cli;

import io.kubechores.runner.ChoreLauncher;
import picocli.CommandLine.Command;

/** kubechores plan JOB: the dry run. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Dry run: collect and plan JOB, print every action it would take and why. Changes nothing.",
        footer = {"", "Examples:", "  kubechores plan downscale --repo ./fleet",
                "  kubechores plan downscale --repo ./fleet --cluster staging-eu-1 --at 2026-11-24T21:30:00Z",
                "  kubechores plan quotas --repo ./fleet --output json"})
public class PlanCommand extends JobCommandSupport {
    public PlanCommand(ChoreLauncher launcher) {
        super(launcher);
    }

    @Override
    boolean dryRun() {
        return true;
    }
}
