package io.kubechores.cli;

import io.kubechores.runner.ChoreLauncher;
import picocli.CommandLine.Command;

/** kubechores run JOB. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run JOB: collect, plan and apply (within the Fleet's safety limits; planning only while paused in fleet.yaml), then report. Recorded in the job history and the audit log.",
        footer = {"", "Examples:", "  kubechores run downscale --repo git@github.com:acme/fleet.git",
                "  kubechores run certs --repo ./fleet --cluster prod-eu-1,prod-us-1",
                "  kubechores run downscale --repo ./fleet --shard 0/4   # pod 0 of an Indexed Job of 4"})
public class RunCommand extends JobCommandSupport {
    public RunCommand(ChoreLauncher launcher) {
        super(launcher);
    }

    @Override
    boolean dryRun() {
        return false;
    }
}
