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
                "  kubechores validate --repo https://github.com/acme/fleet.git --ref my-branch",
                "  kubechores validate --repo . --output sarif > kubechores.sarif   # GitHub code scanning",
                "  kubechores validate --repo . --output github                     # annotations in a GitHub Actions job"})
public class ValidateCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo = new RepoOptions();

    enum Output { text, sarif, github }

    @picocli.CommandLine.Option(names = "--output", paramLabel = "text|sarif|github", defaultValue = "text",
            description = "text (default); sarif: SARIF 2.1.0 on stdout for GitHub code scanning (github/codeql-action/upload-sarif); "
                    + "github: GitHub Actions ::error annotations on the pull request's files. Exit code 2 on errors either way.")
    Output output;

    @picocli.CommandLine.Option(names = "--path-prefix", paramLabel = "PATH", defaultValue = "",
            description = "Prepended to file paths in sarif/github output: where the repo sits inside the git repository (e.g. fleet/).")
    String pathPrefix;

    static final String VERSION = "0.1.0";

    private final DesiredStateSource source;

    public ValidateCommand(DesiredStateSource source) {
        this.source = source;
    }

    @Override
    public Integer call() {
        try {
            DesiredState s = source.load(repo.repoOrDefault(), repo.ref).state();
            if (output == Output.sarif) {
                System.out.println(ValidateOutput.sarif(java.util.List.of(), pathPrefix, VERSION));
                return 0;
            }
            if (output == Output.github) return 0;
            System.out.printf("valid: fleet %s at %s: %d clusters, %d DownscalePolicy, %d RightsizePolicy, %d QuotaPolicy, "
                            + "%d CertificatePolicy, %d Tool%n", s.fleet().name(), s.revision(), s.clusters().size(),
                    s.downscalePolicies().size(), s.rightsizePolicies().size(), s.quotaPolicies().size(),
                    s.certificatePolicies().size(), s.tools().size());
            return 0;
        } catch (InvalidDesiredStateException e) {
            if (output == Output.sarif) {
                System.out.println(ValidateOutput.sarif(e.problems(), pathPrefix, VERSION));
                return 2;
            }
            if (output == Output.github) {
                System.out.print(ValidateOutput.github(e.problems(), pathPrefix));
                return 2;
            }
            System.err.println(e.problems().size() + " error(s):");
            for (Problem p : e.problems()) System.err.println("  " + p);
            return 2;
        }
    }
}
