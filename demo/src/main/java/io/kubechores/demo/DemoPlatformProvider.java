package io.kubechores.demo;

import io.kubechores.platform.StateStore;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.forge.PullRequestServices;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.HttpNotifier;
import io.kubechores.runner.DesiredStateSource;
import io.kubechores.runner.PlatformProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The demo's adapters: simulated clusters, WireMock AWS/Jenkins/Slack, the local forge. */
public final class DemoPlatformProvider implements PlatformProvider {
    private final DemoEnvironment env;
    private final StateStore state;
    private final Path home;
    private final SecretSource secrets;

    public DemoPlatformProvider(DemoEnvironment env, StateStore state, Path home) {
        this.env = env;
        this.state = state;
        this.home = home;
        this.secrets = SecretSource.of(Map.of(
                "KUBECHORES_SLACK_WEBHOOK", env.slackWebhookUrl(),
                "JENKINS_USER", "demo",
                "JENKINS_TOKEN", "demo-api-token"));
    }

    @Override
    public Platform platform(DesiredStateSource.Loaded loaded, Clock clock) {
        var fleet = loaded.state().fleetSpec();
        return new Platform(
                new StaticKubeClients(env.clients()),
                PullRequestServices.create(fleet, env.remoteUrl(), secrets, home.resolve("bot-branches"), clock,
                        env.dir()),
                new AwsAccess(env.aws().baseUrl(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIADEMODEMODEMO", "demo-secret-key")),
                        fleet.aws().roleArnPattern()),
                new JenkinsAccess(env.jenkins().baseUrl(), "demo", "demo-api-token"),
                HttpNotifier.fromFleet(fleet.notifications(), secrets),
                state, secrets);
    }
}
