package io.kubechores.runner;

import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Location;
import io.kubechores.desiredstate.Problem;
import io.kubechores.platform.SecretSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the desired state from a local folder or a git remote (checked out into the cache under home). */
public final class DefaultDesiredStateSource implements DesiredStateSource {
    private final DesiredStateLoader loader;
    private final KubechoresProperties props;
    private final SecretSource secrets;

    public DefaultDesiredStateSource(List<DesiredStateRule> rules, KubechoresProperties props, SecretSource secrets) {
        this.loader = new DesiredStateLoader(rules);
        this.props = props;
        this.secrets = secrets;
    }

    @Override
    public Loaded load(String repo, String ref) {
        if (repo == null || repo.isBlank()) {
            throw new InvalidDesiredStateException(List.of(new Problem(new Location("<command line>", 0, 0), "--repo",
                    "no desired-state repo given: pass --repo URL|FOLDER or set KUBECHORES_REPO")));
        }
        Path folder = Path.of(repo);
        if (!Files.isDirectory(folder)) {
            throw new InvalidDesiredStateException(List.of(new Problem(new Location("<command line>", 0, 0), "--repo",
                    "not a folder: " + repo)));
        }
        return new Loaded(loader.load(folder, "working-tree"), null);
    }
}
