package io.kubechores.cli;

import picocli.CommandLine.Command;

/** The top-level command: only subcommands. */
@Command(name = "kubechores", mixinStandardHelpOptions = true, version = "kubechores 0.1.0",
        description = "GitOps-driven chores for fleets of Kubernetes clusters on AWS: downscale, rightsize, quotas, certs, promote.",
        subcommands = {ValidateCommand.class, PlanCommand.class, RunCommand.class,
                ServeCommand.class, RenderK8sCommand.class, DoctorCommand.class, InitCommand.class, CompletionCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  ./kubechores demo        # every chore on a simulated fleet (kubechores-demo.jar), no cluster needed",
                "  kubechores validate --repo git@github.com:acme/fleet.git",
                "  kubechores plan downscale --repo ./fleet --cluster staging-eu-1",
                "  kubechores run certs --repo https://github.com/acme/fleet.git --ref main",
                "  kubechores doctor --repo ./fleet   # can every job reach and do its work on every cluster?",
                "  kubechores init --out ./fleet      # a minimal desired-state repo from your kubeconfig contexts",
                "  source <(kubechores completion bash)",
                "", "Exit codes: 0 done (findings are reported, not failures), 2 invalid input, 3 partial failure, 1 crash."})
public class KubechoresCommand {
}
