package io.kubechores.runner;

import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runner's clustered Quartz store and Spring Batch tables on a real PostgreSQL given by
 * KUBECHORES_TEST_PG_URL (+ KUBECHORES_TEST_PG_USER / KUBECHORES_TEST_PG_PASSWORD), as .ci/run provides with
 * Debian's postgresql 15. Skipped when the variable is not set.
 */
class RunnerPostgresIT extends AbstractRunnerPostgresCheck {
    @BeforeAll
    static void needsPostgres() {
        assumeTrue(System.getenv("KUBECHORES_TEST_PG_URL") != null, "KUBECHORES_TEST_PG_URL not set");
    }

    @Override
    String url() {
        return System.getenv("KUBECHORES_TEST_PG_URL");
    }

    @Override
    String user() {
        return System.getenv().getOrDefault("KUBECHORES_TEST_PG_USER", "kubechores");
    }

    @Override
    String password() {
        return System.getenv().getOrDefault("KUBECHORES_TEST_PG_PASSWORD", "");
    }
}
