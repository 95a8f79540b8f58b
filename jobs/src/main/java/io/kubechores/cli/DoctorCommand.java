package io.kubechores.cli;

import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Resource;
import io.kubechores.doctor.Doctor;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.EksClusters;
import io.kubechores.platform.kube.ConnectionKubeClients;
import io.kubechores.runner.DefaultDesiredStateSource;
import io.kubechores.runner.KubechoresProperties;
import io.kubechores.runner.schedule.JobSchedule;
import io.kubechores.runner.schedule.ScheduleLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * kubechores doctor: can every job do its work on every cluster, account and integration? Runs without Spring
 * (Main starts no application context for it): no job repository, no audit trail, nothing mutated.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that every cluster, AWS account and integration is reachable and allows what the jobs need: "
                + "API server reachable, authenticated as whom, every verb of each job's ClusterRole allowed "
                + "(SelfSubjectAccessReview), AssumeRole per account, forge token can push and open PRs, Jenkins crumb, "
                + "Slack webhook set. Reads only: nothing is changed or posted.",
                "Exit codes: 0 nothing a scheduled job needs is missing, 2 something is (the table says what and how to fix it)."},
        footer = {"", "Examples:", "  kubechores doctor --repo ./fleet", "  kubechores doctor --repo ./fleet --cluster prod-eu-1"})
public class DoctorCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo = new RepoOptions();

    @Option(names = "--cluster", paramLabel = "NAME", description = "Only these clusters (repeatable).")
    List<String> clusters = new ArrayList<>();

    @Option(names = "--schedules", paramLabel = "DIR",
            description = "schedules/ folder deciding which jobs are scheduled (default ./schedules, else the jar's).")
    Path schedules = Path.of(ScheduleLoader.FOLDER);

    SecretSource secrets = SecretSource.ENVIRONMENT;

    @Override
    public Integer call() {
        Path home = repo.home != null ? Path.of(repo.home) : Path.of(System.getProperty("user.home"), ".kubechores");
        KubechoresProperties props = new KubechoresProperties(home, null, null, null, 10_000, null, null, null, null);
        DesiredState state;
        try {
            state = new DefaultDesiredStateSource(DesiredStateRules.all(), props, secrets).load(repo.repoOrDefault(), repo.ref).state();
        } catch (InvalidDesiredStateException e) {
            System.err.println("invalid input:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        Set<String> unknown = new TreeSet<>(clusters);
        state.clusters().forEach(c -> unknown.remove(c.name()));
        if (!unknown.isEmpty()) {
            System.err.println("unknown cluster(s) " + unknown + " (known: "
                    + state.clusters().stream().map(Resource::name).toList() + ")");
            return 2;
        }
        if (!clusters.isEmpty()) state = state.onlyClusters(clusters);
        Set<String> scheduled = new TreeSet<>();
        for (JobSchedule s : new ScheduleLoader().loadFolderOrClasspath(schedules)) if (s.enabled()) scheduled.add(s.job());

        var fleet = state.fleetSpec();
        AwsAccess aws = new AwsAccess(fleet.aws().endpoint(), null, fleet.aws().roleArnPattern());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (EksClusters eks = EksClusters.from(aws);
             ConnectionKubeClients kube = new ConnectionKubeClients(secrets, 10_000, EksClusters.from(aws))) {
            List<Doctor.Row> rows = new Doctor(state, secrets, kube, aws, eks, http).run();
            System.out.print(Doctor.render(rows, scheduled));
            return Doctor.exitCode(rows, scheduled);
        }
    }
}
