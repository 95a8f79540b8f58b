package io.kubechores.runner;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Settings of the application (application.properties, env KUBECHORES_*, or CLI options).
 *
 * @param home               state folder: job repository (H2), repo cache, reports, audit log (default ~/.kubechores)
 * @param repo               default desired-state repo (git URL or folder)
 * @param ref                default branch/tag/commit
 * @param concurrency        partitions (clusters) processed at once per job
 * @param kubeTimeoutMillis  connect + request timeout for Kubernetes API calls
 */
@ConfigurationProperties("kubechores")
public record KubechoresProperties(Path home, String repo, String ref, Integer concurrency, Integer kubeTimeoutMillis) {
    public KubechoresProperties {
        home = home == null ? Path.of(System.getProperty("user.home"), ".kubechores") : home;
        concurrency = concurrency == null ? 8 : concurrency;
        kubeTimeoutMillis = kubeTimeoutMillis == null ? 10_000 : kubeTimeoutMillis;
    }
}
