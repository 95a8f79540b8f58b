package io.kubechores.demo;

import io.kubechores.cli.RunResultPrinter;

import io.kubechores.core.Chore;
import io.kubechores.demo.DemoContribution;
import io.kubechores.platform.StateStore;
import io.kubechores.demo.DemoEnvironment;
import io.kubechores.demo.DemoPlatformProvider;
import io.kubechores.runner.BatchChoreLauncher;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import io.kubechores.runner.DesiredStateSource;
import io.kubechores.runner.KubechoresProperties;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.transaction.PlatformTransactionManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** kubechores demo: every chore on a simulated fleet, no cluster, git server or AWS account needed. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run every chore on the example fleet against simulated clusters (fabric8 API mock servers), a local git "
                + "remote, a local forge folder and WireMock AWS/Jenkins/Slack endpoints, all on loopback. Prints a summary per job "
                + "and where to look (PR files, HTML reports). State goes to ~/.kubechores/demo (wiped at each demo).",
        footer = {"", "Examples:", "  kubechores demo", "  ./kubechores demo --home /tmp/kc"})
public class DemoCommand implements Callable<Integer> {
    static final List<String> ORDER = List.of("downscale", "rightsize", "quotas", "certs", "promote");

    @Option(names = "--home", paramLabel = "DIR", description = "State folder for the demo (default ~/.kubechores/demo).")
    String home;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", description = "Log format.")
    String logFormat;

    private final List<DemoContribution> contributions;
    private final List<Chore<?, ?, ?>> chores;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final PlatformTransactionManager tx;
    private final DesiredStateSource source;
    private final StateStore state;
    private final KubechoresProperties props;

    public DemoCommand(List<DemoContribution> contributions, List<Chore<?, ?, ?>> chores, JobRepository jobRepository,
                       JobOperator jobOperator, PlatformTransactionManager tx, DesiredStateSource source,
                       StateStore state, KubechoresProperties props) {
        this.contributions = contributions == null ? List.of() : contributions.stream()
                .sorted(Comparator.comparingInt(c -> ORDER.indexOf(c.job()) < 0 ? 99 : ORDER.indexOf(c.job())))
                .toList();
        this.chores = chores;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.tx = tx;
        this.source = source;
        this.state = state;
        this.props = props;
    }

    /** Marks a folder the demo created as its own: only such a folder is ever wiped by the next demo. */
    static final String MARKER = ".kubechores-demo-home";

    /**
     * Called before Spring starts: the demo gets its own fresh home (DB, reports, audit) under ~/.kubechores/demo.
     * The folder is wiped only when the demo created it (it holds {@link #MARKER}, a regular file); a folder that does
     * not exist or is empty is created and marked; any other folder (a production home with its history and audit
     * trail, an unrelated folder) is refused.
     *
     * @return null when ready, else the one-line reason the demo refuses to use the folder
     */
    static String prepareHome() {
        String h = System.getProperty("kubechores.home");
        Path home = (h != null ? Path.of(h) : Path.of(System.getProperty("user.home"), ".kubechores", "demo"))
                .toAbsolutePath().normalize();
        try {
            if (Files.exists(home, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(home, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    return "demo --home " + home + ": not a folder (or a symbolic link); choose a new folder";
                }
                Path marker = home.resolve(MARKER);
                boolean ours = Files.isRegularFile(marker, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                boolean empty;
                try (Stream<Path> entries = Files.list(home)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!ours && !empty) {
                    return "demo --home " + home + ": folder exists and was not created by the demo (no " + MARKER
                            + "); refusing to wipe it. Choose a new or empty folder";
                }
                if (ours) deleteRecursively(home);
            }
            Files.createDirectories(home);
            Files.writeString(home.resolve(MARKER), "This folder was created by `kubechores demo`; the next demo wipes it.\n");
        } catch (IOException | UncheckedIOException e) {
            return "demo --home " + home + ": " + e.getMessage();
        }
        System.setProperty("kubechores.home", home.toString());
        return null;
    }

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Path home = props.home();
        Path world = home.resolve("world");
        Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.MINUTES), ZoneId.of("UTC"));
        System.out.println("kubechores demo — simulated fleet of the example repo, everything on loopback");
        System.out.println("home: " + home);
        int worst = 0;
        try (DemoEnvironment env = DemoEnvironment.start(world, clock, contributions)) {
            System.out.printf("started %d simulated clusters %s, git remote %s, AWS/Jenkins/Slack on WireMock (%d ms)%n%n",
                    env.clusters().size(), env.clusters().keySet(), env.remoteUrl(), ms(t0));
            BatchChoreLauncher demoLauncher = new BatchChoreLauncher(chores,
                    jobRepository, jobOperator, tx, source, new DemoPlatformProvider(env, state, home), props);
            if (contributions.isEmpty()) System.out.println("no job has a demo yet");
            for (DemoContribution d : contributions) {
                for (DemoContribution.Step step : d.steps(clock)) {
                    RunResult r = demoLauncher.launch(d.job(), new RunRequest(env.remoteUrl(), "main", Set.of(),
                            step.dryRun(), step.at(), "demo"));
                    worst = Math.max(worst, r.exitCode() == 3 ? 0 : r.exitCode());
                    printStep(d.job(), step, r);
                }
            }
            System.out.println("Where to look:");
            System.out.println("  pull requests (local forge): " + env.forgeDir());
            System.out.println("  git remote with bot branches: " + env.remoteUrl());
            System.out.println("  reports (HTML/Markdown/JSON): " + home.resolve("reports"));
            System.out.println("  audit trail:                  " + home.resolve("audit").resolve("audit.jsonl"));
            System.out.println("  job history (H2):             " + home.resolve("db"));
        }
        System.out.printf("demo finished in %.1f s%n", ms(t0) / 1000.0);
        return worst;
    }

    private static void printStep(String job, DemoContribution.Step step, RunResult r) {
        System.out.printf("━━ %s — %s%s ━━%n", job, step.label(), step.dryRun() ? " [dry run]" : "");
        if (r.exitCode() == 2) {
            System.out.println(r.summary());
            return;
        }
        System.out.println("  " + RunResultPrinter.counts(r) + (r.exitCode() == 0 ? "" : ", exit " + r.exitCode()));
        for (String f : r.failedPartitions()) System.out.println("  FAILED " + f);
        System.out.println("  " + lastParagraph(r.summary()).replace("\n", "\n  "));
        r.artifacts().forEach(p -> System.out.println("  see " + p));
        System.out.println();
    }

    /** The closing lines of a job's summary (jobs put their totals last; full tables are in the reports). */
    static String lastParagraph(String summary) {
        if (summary == null) return "";
        String s = summary.strip();
        int i = s.lastIndexOf("\n\n");
        return i < 0 ? s : s.substring(i + 2).strip();
    }

    private static long ms(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    static void deleteRecursively(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
