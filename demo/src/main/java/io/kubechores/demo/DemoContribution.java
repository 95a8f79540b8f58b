package io.kubechores.demo;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * How a chore takes part in `kubechores demo` (a Spring bean per job). The demo starts one simulated cluster per
 * Cluster of repo-layout/example (fabric8 mock server, CRUD mode), a local bare git remote, a local forge folder and
 * WireMock servers for AWS and Jenkins; it lets every contribution seed them, then runs each contribution's steps.
 */
public interface DemoContribution {
    /** The chore this demo drives. */
    String job();

    /** Seeds one simulated cluster (namespaces, workloads, VPAs, secrets...). Times relative to clock. */
    default void seedCluster(Resource<ClusterSpec> cluster, KubernetesClient client, Clock clock) { }

    /** Stubs the AWS endpoint (Service Quotas, STS, Support: JSON 1.1 / Query protocols). */
    default void stubAws(WireMockServer aws, Clock clock) { }

    /** Stubs the Jenkins endpoint. */
    default void stubJenkins(WireMockServer jenkins, Clock clock) { }

    /**
     * Adds commits to the demo's desired-state repo before it is pushed to the local remote (e.g. a version bump
     * committed 4 days ago). The work tree at workTree holds example/ already committed at clock - 30 days.
     */
    default void prepareRepo(DemoRepo repo, Clock clock) { }

    /** Runs of the job to show, in order (e.g. downscale at night, then restore in the morning). */
    List<Step> steps(Clock clock);

    /**
     * @param label  shown in the summary, e.g. "night (Tue 22:00 Europe/Berlin)"
     * @param at     the clock instant of that run
     * @param dryRun plan only
     */
    record Step(String label, Instant at, boolean dryRun) { }

    /** The demo repo before it is pushed: write files and commit them at a given time. */
    interface DemoRepo {
        Path workTree();

        /** Writes content to path (relative) and commits it with the given author time. */
        void commit(String message, Instant when, java.util.Map<String, String> files);
    }
}
