package io.kubechores.cli;

import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Problem;
import io.kubechores.runner.DesiredStateSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** kubechores validate: schema + cross-file + job rules, every error with file:line:column. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Validate the desired-state repo: every file against its JSON Schema, then the cross-file and job rules. Lists every error with file:line:column and field.",
        footer = {"", "Examples:", "  kubechores validate --repo repo-layout/example",
                "  kubechores validate --repo https://github.com/acme/fleet.git --ref my-branch"})
public class ValidateCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo = new RepoOptions();

    private final DesiredStateSource source;

    public ValidateCommand(DesiredStateSource source) {
        this.source = source;
    }

    @Override
    public Integer call() {
        try {
            DesiredState s = source.load(repo.repoOrDefault(), repo.ref).state();
            System.out.printf("valid: fleet %s at %s: %d clusters, %d DownscalePolicy, %d RightsizePolicy, %d QuotaPolicy, "
                            + "%d CertificatePolicy, %d Tool%n", s.fleet().name(), s.revision(), s.clusters().size(),
                    s.downscalePolicies().size(), s.rightsizePolicies().size(), s.quotaPolicies().size(),
                    s.certificatePolicies().size(), s.tools().size());
            return 0;
        } catch (InvalidDesiredStateException e) {
            System.err.println(e.problems().size() + " error(s):");
            for (Problem p : e.problems()) System.err.println("  " + p);
            return 2;
        }
    }
}
