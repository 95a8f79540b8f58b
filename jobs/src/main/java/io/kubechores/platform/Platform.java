package io.kubechores.platform;

import io.kubechores.core.StateStore;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.kube.KubeClients;
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
}
