package io.kubechores.runner;

import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same checks against PostgreSQL 15 in a container: runs only where a Docker engine exists (skipped here). */
@Testcontainers(disabledWithoutDocker = true)
class RunnerPostgresContainerIT extends AbstractRunnerPostgresCheck {
    @Container
    static final PostgreSQLContainer<?> POSTGRES = new PostgreSQLContainer<>("postgres:15-alpine");

    @Override
    String url() {
        return POSTGRES.getJdbcUrl();
    }

    @Override
    String user() {
        return POSTGRES.getUsername();
    }

    @Override
    String password() {
        return POSTGRES.getPassword();
    }
}
