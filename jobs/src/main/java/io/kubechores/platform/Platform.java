package io.kubechores.platform;

import io.kubechores.desiredstate.SecretSource;

import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.forge.ReadOnlyPullRequestService;
import io.kubechores.platform.kube.KubeClients;
import io.kubechores.platform.kube.ReadOnlyKubeClients;
import io.kubechores.platform.notify.Notifier;

/**
 * The adapters a chore may use: the only code that talks to clusters, git, forges, AWS, Jenkins and Slack.
 * Any of them may be null where a caller (a unit test) does not need it.
 *
 * @param kube         a Kubernetes client per Cluster
 * @param pullRequests bot branches + pull requests on the configured forge
 * @param aws          how to reach AWS APIs (endpoint override, base credentials, role per account)
 * @param jenkins      Jenkins controller URL and credentials
 * @param notifier     Slack and Pushgateway
 * @param state        small persistent state per job (alert dedupe, ...)
 * @param secrets      reads secrets by env var name; never log what it returns
 */
public record Platform(KubeClients kube, PullRequestService pullRequests, AwsAccess aws, JenkinsAccess jenkins,
                       Notifier notifier, StateStore state, SecretSource secrets) {

    /**
     * The same adapters, read-only: every mutating method throws {@link DryRunViolation} before anything leaves the
     * process (Kubernetes writes, git pushes and PR changes, AWS calls other than reads, Jenkins POSTs, Slack and
     * Pushgateway, state-store writes). The runner gives this to every dry run (DESIGN §1) and calls no apply step
     * then ({@code Chore.apply}, {@code Chore.applyRollUp}): a plan step that tried to mutate fails instead.
     */
    public Platform readOnly() {
        return new Platform(kube == null ? null : ReadOnlyKubeClients.of(kube),
                pullRequests == null ? null : new ReadOnlyPullRequestService(pullRequests),
                aws == null ? new AwsAccess(null, null, null, true) : aws.asReadOnly(),
                // null url: the job falls back to fleet.yaml's Jenkins, keeping the read-only flag
                jenkins == null ? new JenkinsAccess(null, null, null, true) : jenkins.asReadOnly(),
                notifier == null ? null : new Notifier() {
                    @Override
                    public void slack(String markdownText) {
                        throw new DryRunViolation("send a Slack message");
                    }

                    @Override
                    public void pushMetrics(String job, String exposition) {
                        throw new DryRunViolation("push metrics to the Pushgateway");
                    }
                },
                state == null ? null : new StateStore() {
                    @Override
                    public java.util.Optional<String> get(String job, String key) {
                        return state.get(job, key);
                    }

                    @Override
                    public void put(String job, String key, String value) {
                        throw new DryRunViolation("write state " + job + "/" + key);
                    }

                    @Override
                    public void remove(String job, String key) {
                        throw new DryRunViolation("remove state " + job + "/" + key);
                    }

                    @Override
                    public java.util.Map<String, String> all(String job) {
                        return state.all(job);
                    }
                },
                secrets);
    }
}
