package io.kubechores.runner;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the application (application.properties, env KUBECHORES_*, or CLI options).
 *
 * @param home                state folder: job repository (H2), repo cache, reports, audit log (default ~/.kubechores)
 * @param repo                default desired-state repo (git URL or folder)
 * @param ref                 default branch/tag/commit
 * @param concurrency         partitions (clusters) processed at once per job
 * @param kubeTimeoutMillis   connect timeout and idle timeout (no byte for this long) of Kubernetes API calls
 * @param kubeRequestDeadline total time one Kubernetes API request may take, answer body included (default 30 s)
 * @param partitionDeadline   one partition (cluster, account, tool) past this is stopped and FAILED (default 15 min)
 * @param runDeadline         partitions not done this long after the run started are stopped and FAILED; the finish
 *                            step (reports) still runs (default 40 min: CronJobs' activeDeadlineSeconds is 3600)
 * @param leaseTtl            a run's lease on its job (several runners / CronJob pods on one database) lapses when
 *                            not renewed for this long (default 30 s; renewed every third of it)
 */
@ConfigurationProperties("kubechores")
public record KubechoresProperties(Path home, String repo, String ref, Integer concurrency, Integer kubeTimeoutMillis,
                                   Duration kubeRequestDeadline, Duration partitionDeadline, Duration runDeadline,
                                   Duration leaseTtl) {
    public KubechoresProperties {
        home = home == null ? Path.of(System.getProperty("user.home"), ".kubechores") : home;
        concurrency = concurrency == null ? 8 : concurrency;
        kubeTimeoutMillis = kubeTimeoutMillis == null ? 10_000 : kubeTimeoutMillis;
        kubeRequestDeadline = kubeRequestDeadline == null ? Duration.ofSeconds(30) : kubeRequestDeadline;
        partitionDeadline = partitionDeadline == null ? Duration.ofMinutes(15) : partitionDeadline;
        runDeadline = runDeadline == null ? Duration.ofMinutes(40) : runDeadline;
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(30) : leaseTtl;
    }
}
