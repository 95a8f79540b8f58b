package io.kubechores;

import io.kubechores.certs.CertificatePolicyRule;
import io.kubechores.certs.CertsChore;
import io.kubechores.downscale.DownscaleChore;
import io.kubechores.downscale.DownscalePolicyRule;
import io.kubechores.promote.PromoteChore;
import io.kubechores.promote.PromoteRules;
import io.kubechores.quotas.QuotasChore;
import io.kubechores.quotas.QuotasRules;
import io.kubechores.rightsize.RightsizeChore;
import io.kubechores.runner.RunnerConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The Spring context of a one-shot {@code plan}/{@code run} (a CronJob pod, a Jenkins stage, a terminal): the jobs, the
 * runner's wiring and only the auto-configurations a run uses (datasource, transactions, JdbcTemplate, the Spring Batch
 * job repository with its schema), named here instead of found by classpath scanning. Issue 15: with
 * {@code @SpringBootApplication} a run evaluated ~150 auto-configurations (actuator, metrics, Quartz, Jackson,
 * FreeMarker, health, observation) and scanned every class of the jar for components before its first API request.
 * {@code serve} and {@code demo} keep {@link KubechoresApplication} (web, Quartz, actuator, the demo's components).
 * OneShotApplicationTest fails when a non-serve component exists that is not imported here. Not a
 * {@code @Configuration} or {@code @SpringBootConfiguration} on purpose: the serve application's component scan and
 * {@code @SpringBootTest}'s search for the configuration must not find it (its imports make it a configuration class
 * when it is the source of a SpringApplication). Other jars add beans through {@link OneShotImports}.
 */
@OneShotImports
@ImportAutoConfiguration({
        PropertyPlaceholderAutoConfiguration.class,
        DataSourceAutoConfiguration.class,
        DataSourceTransactionManagerAutoConfiguration.class,
        TransactionManagerCustomizationAutoConfiguration.class,
        JdbcTemplateAutoConfiguration.class,
        BatchJdbcAutoConfiguration.class})
@Import({RunnerConfiguration.class,
        DownscaleChore.class, RightsizeChore.class, QuotasChore.class, CertsChore.class, PromoteChore.class,
        DownscalePolicyRule.class, QuotasRules.class, CertificatePolicyRule.class, PromoteRules.class})
public class OneShotApplication {
}
