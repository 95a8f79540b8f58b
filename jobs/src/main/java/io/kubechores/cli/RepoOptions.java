package io.kubechores.cli;

import picocli.CommandLine.Option;

/** Where the desired-state repo is. */
public class RepoOptions {
    @Option(names = "--repo", paramLabel = "URL|FOLDER",
            description = "Desired-state repo: git URL (https, ssh, file://) or local folder. Default: $KUBECHORES_REPO, else the current folder.")
    String repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: the remote's default branch).")
    String ref;

    @Option(names = "--home", paramLabel = "DIR", description = "State folder (job history DB, repo cache, reports, audit). Default ~/.kubechores.")
    String home;

    @Option(names = "--log-format", paramLabel = "text|json", description = "Log format (default text).", defaultValue = "text")
    String logFormat;

    String repoOrDefault() {
        if (repo != null) return repo;
        String env = System.getenv("KUBECHORES_REPO");
        return env != null && !env.isBlank() ? env : ".";
    }
}
