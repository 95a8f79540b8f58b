package io.kubechores.desiredstate;

import java.util.List;
import java.util.Map;

/**
 * A cluster add-on rolled out environment by environment (tools/*.yaml).
 *
 * @param chart        Helm chart (repository + name) if deployed by Helm
 * @param image        container image repository if the version is an image tag
 * @param namespace    namespace it runs in
 * @param releaseName  Helm release name (default metadata.name)
 * @param versions     version wanted per environment (e.g. staging: 6.1.0, prod: 6.0.3)
 * @param soak         time the candidate must run healthy on every earlier environment (e.g. 72h)
 * @param healthChecks workloads that must be rolled out and ready
 * @param deploy       how a new version reaches an environment
 * @param progressDeadline how long a started promotion may take to run healthy on every cluster it was deployed to
 *                     (counted from the PR's merge, or from each cluster's Jenkins trigger) before it is FAILED and
 *                     notified (default 2h)
 * @param waveSoak     time a promotion wave (Cluster label promotion.wave) must run healthy before the next wave of
 *                     the same environment is deployed (default: soak)
 * @param source       the tool's source repository (https://github.com/owner/name): the PR links its release notes
 *                     and the compare view between the two versions
 */
public record ToolSpec(
        Chart chart,
        String image,
        String namespace,
        String releaseName,
        Map<String, String> versions,
        String soak,
        List<HealthCheck> healthChecks,
        Deploy deploy,
        String progressDeadline,
        String waveSoak,
        String source) {

    public static final String DEFAULT_PROGRESS_DEADLINE = "2h";

    @com.fasterxml.jackson.annotation.JsonCreator
    public ToolSpec {
        versions = versions == null ? Map.of() : Map.copyOf(versions);
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
    }

    /** Without the later fields (tests, demo). */
    public ToolSpec(Chart chart, String image, String namespace, String releaseName, Map<String, String> versions,
                    String soak, List<HealthCheck> healthChecks, Deploy deploy) {
        this(chart, image, namespace, releaseName, versions, soak, healthChecks, deploy, null, null, null);
    }

    public String progressDeadlineOrDefault() {
        return progressDeadline == null ? DEFAULT_PROGRESS_DEADLINE : progressDeadline;
    }

    public String waveSoakOrDefault() {
        return waveSoak != null ? waveSoak : soak == null ? "0s" : soak;
    }

    public record Chart(String repository, String name) {}

    /**
     * @param kind        Deployment | StatefulSet | DaemonSet
     * @param name        workload name
     * @param maxRestarts restarts in total across the workload's pods above which it is a restart storm (default 3)
     */
    public record HealthCheck(String kind, String name, Integer maxRestarts) {}

    /**
     * @param pullRequest edit the version in a file of the repo and open a PR
     * @param jenkins     trigger a Jenkins job per cluster
     */
    public record Deploy(PullRequest pullRequest, JenkinsJob jenkins) {}

    /** @param file the file in the repo holding the version  @param path dotted path of the version inside it, {environment} replaced */
    public record PullRequest(String file, String path) {}

    /**
     * @param job        Jenkins job path (folder/job)
     * @param parameters build parameters; {cluster}, {version}, {tool} and {commit} (the commit that set the version
     *                   being deployed: with pullRequest, the PR's merge commit) replaced
     */
    public record JenkinsJob(String job, Map<String, String> parameters) {}
}
