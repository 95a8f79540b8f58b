package io.kubechores.runner;

import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Location;
import io.kubechores.desiredstate.Problem;
import io.kubechores.desiredstate.RepoCheckout;
import io.kubechores.desiredstate.SecretSource;

import java.util.List;

/**
 * Reads the desired state from a git remote (cloned once into &lt;home&gt;/repos, then fetched + hard-reset) or a local
 * folder, then validates all of it before any job runs.
 */
public final class DefaultDesiredStateSource implements DesiredStateSource {
    private final DesiredStateLoader loader;
    private final RepoCheckout checkout;

    public DefaultDesiredStateSource(List<DesiredStateRule> rules, KubechoresProperties props, SecretSource secrets) {
        this.loader = new DesiredStateLoader(rules);
        this.checkout = new RepoCheckout(props.home().resolve("repos"), secrets);
    }

    @Override
    public Loaded load(String repo, String ref) {
        if (repo == null || repo.isBlank()) {
            throw commandLine("no desired-state repo given: pass --repo URL|FOLDER or set KUBECHORES_REPO");
        }
        RepoCheckout.Checkout co;
        try {
            co = checkout.checkout(repo, ref);
        } catch (RepoCheckout.RepoCheckoutException e) {
            throw commandLine(e.getMessage());
        }
        String remote = RepoCheckout.isUrl(repo) ? repo : null;
        return new Loaded(loader.load(co.workTree(), co.commit()), remote);
    }

    private static InvalidDesiredStateException commandLine(String message) {
        return new InvalidDesiredStateException(List.of(new Problem(new Location("<command line>", 0, 0), "--repo", message)));
    }
}
