package io.kubechores.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Quartz for the runner: a clustered JDBC job store when the DataSource is PostgreSQL (several runners share it,
 * each trigger fires on exactly one), the in-memory store otherwise (H2 file default: one runner).
 * <p>
 * The store is chosen from the DataSource itself (not from a property) so it follows however the DataSource was
 * configured. Tables are created with an idempotent copy of Quartz's PostgreSQL script (Quartz's own drops every
 * table on each start, see Spring Boot's docs on spring.quartz.jdbc.initialize-schema), under an advisory lock so
 * runners starting together do not race; {@code spring.quartz.jdbc.initialize-schema=never} skips it (tables made
 * by a DBA from src/main/resources/runner/quartz/tables_postgres.sql).
 */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
public class RunnerQuartzConfig {
    private static final Logger log = LoggerFactory.getLogger(RunnerQuartzConfig.class);
    static final String SCHEMA = "runner/quartz/tables_postgres.sql";
    private static final long SCHEMA_LOCK = 0x6b75626563686f72L; // "kubechor"

    @Bean
    SchedulerFactoryBeanCustomizer kubechoresQuartzStore(ObjectProvider<DataSource> dataSource,
                                                          ObjectProvider<PlatformTransactionManager> txManager,
                                                          @Value("${spring.quartz.jdbc.initialize-schema:always}") String initializeSchema,
                                                          @Value("${kubechores.runner.cluster-checkin-millis:10000}") long checkinMillis) {
        return factory -> {
            Properties p = new Properties();
            p.setProperty("org.quartz.scheduler.instanceName", "kubechores");
            p.setProperty("org.quartz.threadPool.threadCount", "5");
            DataSource ds = dataSource.getIfAvailable();
            if (ds != null && isPostgres(ds)) {
                if (!"never".equalsIgnoreCase(initializeSchema)) createTables(ds); // never: the DBA created them
                factory.setDataSource(ds);
                PlatformTransactionManager tm = txManager.getIfUnique();
                if (tm != null) factory.setTransactionManager(tm);
                // the same identity as the launcher parameter of the runs it starts (RunHistory.abandon)
                p.setProperty("org.quartz.scheduler.instanceId", RunnerIdentity.schedulerInstanceId());
                p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
                p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
                p.setProperty("org.quartz.jobStore.isClustered", "true");
                // a runner silent for this long (+7.5 s) is dead: its running jobs are re-run elsewhere (requestRecovery)
                p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkinMillis));
                p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
                log.info("Quartz: clustered JDBC job store on PostgreSQL");
            } else {
                p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
                log.info("Quartz: in-memory job store (single runner; use PostgreSQL to run several)");
            }
            factory.setQuartzProperties(p);
            factory.setWaitForJobsToCompleteOnShutdown(true);
            factory.setOverwriteExistingJobs(true);
        };
    }

    static boolean isPostgres(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database: " + e.getMessage(), e);
        }
    }

    static void createTables(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
                try {
                    ScriptUtils.executeSqlScript(c, new ClassPathResource(SCHEMA));
                } finally {
                    st.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
                }
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the Quartz tables: " + e.getMessage(), e);
        }
    }
}
