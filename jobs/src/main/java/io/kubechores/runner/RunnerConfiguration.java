package io.kubechores.runner;

import io.kubechores.core.Chore;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.EksClusters;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.kube.ConnectionKubeClients;
import io.kubechores.platform.notify.Notifier;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.util.List;

/** Wires the launcher, the desired-state source, the real adapters and the job-repository-backed state store. */
@Configuration
@EnableConfigurationProperties(KubechoresProperties.class)
public class RunnerConfiguration {

    @Bean
    public StateStore stateStore(JdbcTemplate jdbc) {
        return new JdbcStateStore(jdbc);
    }

    @Bean
    public SecretSource secretSource() {
        return SecretSource.ENVIRONMENT;
    }

    @Bean
    public DesiredStateSource desiredStateSource(List<DesiredStateRule> rules, KubechoresProperties props,
                                                 SecretSource secrets) {
        return new DefaultDesiredStateSource(rules, props, secrets);
    }

    @Bean
    public PlatformProvider platformProvider(StateStore state, SecretSource secrets, KubechoresProperties props) {
        return (loaded, clock) -> {
            var fleet = loaded.state().fleetSpec();
            AwsAccess aws = new AwsAccess(fleet.aws().endpoint(), DefaultCredentialsProvider.builder().build(),
                    fleet.aws().roleArnPattern());
            return new Platform(
                    // `connection.eks` clusters: DescribeCluster + STS-presigned tokens, same endpoint/credentials
                    new ConnectionKubeClients(secrets, props.kubeTimeoutMillis(), props.kubeRequestDeadline(),
                            io.kubechores.platform.kube.KubeconfigFiles.fromEnvironment(), EksClusters.from(aws)),
                    PlatformParts.pullRequests(loaded, secrets, props, clock),
                    aws,
                    // spec.jenkins is optional: without it promote reports "no Jenkins configured" where it needs one
                    fleet.jenkins() == null || fleet.jenkins().url() == null ? null
                            : new JenkinsAccess(fleet.jenkins().url(), secrets.get(fleet.jenkins().userEnv()).orElse(null),
                            secrets.get(fleet.jenkins().tokenEnv()).orElse(null)),
                    PlatformParts.notifier(fleet, secrets),
                    state, secrets);
        };
    }

    @Bean
    public BatchChoreLauncher choreLauncher(List<Chore<?, ?, ?>> chores, JobRepository jobRepository, JobOperator jobOperator,
                                            PlatformTransactionManager tx, DesiredStateSource source,
                                            PlatformProvider platforms, KubechoresProperties props,
                                            javax.sql.DataSource dataSource, org.springframework.core.env.Environment env) {
        BatchChoreLauncher launcher = new BatchChoreLauncher(chores, jobRepository, jobOperator, tx, source, platforms, props)
                .withLeases(new JdbcRunLeases(new JdbcTemplate(dataSource), props.leaseTtl(), RunnerIdentity.id()));
        StateDurability.ephemeralReason(env.getProperty("spring.datasource.url"))
                .ifPresent(reason -> launcher.ephemeralState(StateDurability.warning(reason)));
        return launcher;
    }

    /**
     * Reports and the audit trail in the shared store (issue 14): on by default when the datasource is a server
     * database (PostgreSQL), see RunArchive; kubechores.archive=on|off overrides.
     */
    @Bean(destroyMethod = "close")
    @org.springframework.context.annotation.Conditional(RunArchive.Enabled.class)
    public RunArchive runArchive(javax.sql.DataSource dataSource, KubechoresProperties props,
                                 @org.springframework.beans.factory.annotation.Value("${kubechores.archive-retention:P90D}")
                                 java.time.Duration retention) {
        return new RunArchive(new JdbcTemplate(dataSource), retention).mirrorAuditOf(props.home());
    }

    /** What every caller launches runs with: the Batch launcher, plus the reports' copy to the shared store. */
    @Bean
    @org.springframework.context.annotation.Primary
    public ChoreLauncher archivingChoreLauncher(BatchChoreLauncher batch,
                                                org.springframework.beans.factory.ObjectProvider<RunArchive> archive) {
        return new ArchivingChoreLauncher(batch, archive.getIfAvailable());
    }

    /** Adapters whose implementations live in platform/ packages. */
    static final class PlatformParts {
        private PlatformParts() {}

        /** Bot PRs push to the desired-state remote; none when the repo is a plain folder without a remote. */
        static io.kubechores.platform.forge.PullRequestService pullRequests(DesiredStateSource.Loaded loaded,
                SecretSource secrets, KubechoresProperties props, java.time.Clock clock) {
            if (loaded.remoteUrl() == null) return null;
            return io.kubechores.platform.forge.PullRequestServices.create(loaded.state().fleetSpec(),
                    loaded.remoteUrl(), secrets, props.home().resolve("bot-branches"), clock, props.home());
        }

        static Notifier notifier(io.kubechores.desiredstate.FleetSpec fleet, SecretSource secrets) {
            return io.kubechores.platform.notify.HttpNotifier.fromFleet(fleet.notifications(), secrets);
        }
    }
}
