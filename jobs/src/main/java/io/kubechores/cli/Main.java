package io.kubechores.cli;

import io.kubechores.KubechoresApplication;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

import io.kubechores.runner.DefaultDesiredStateSource;
import io.kubechores.runner.DesiredStateSource;
import io.kubechores.runner.KubechoresProperties;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of kubechores.jar: starts Spring Boot (no web server, except for `serve`) and hands the command line
 * to picocli. Exit codes (DESIGN §4): 0 done, 2 invalid input, 3 partial failure, 1 crash.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args);
        if (code != ServeCommand.KEEP_RUNNING) System.exit(code);
    }

    /** Runs the command line; returns the exit code (or KEEP_RUNNING for serve). */
    public static int run(String... args) {
        return run(List.of(), args);
    }

    /**
     * Runs the command line with extra subcommands (kubechores-demo.jar adds {@code demo}); returns the exit code (or
     * KEEP_RUNNING for serve).
     */
    public static int run(List<Class<?>> extraSubcommands, String... args) {
        List<String> a = Arrays.asList(args);
        if (a.isEmpty() || a.contains("-h") || a.contains("--help") || a.contains("-V") || a.contains("--version")
                || a.get(0).equals("help")) {
            // help (also `help plan`) needs no application context
            return commandLine(new HelpOnlyFactory(), extraSubcommands).execute(args);
        }
        // the whole command line is checked before anything starts (Spring, Quartz, a checkout): one clear line, exit 2
        try {
            commandLine(new HelpOnlyFactory(), extraSubcommands).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            String sub = e.getCommandLine().getCommandName();
            System.err.println("kubechores: " + e.getMessage() + " (see: kubechores "
                    + (sub.equals("kubechores") ? "" : sub + " ") + "--help)");
            return 2;
        }
        String placeholder = placeholderRepo(args);
        if (placeholder != null) {
            System.err.println("kubechores: " + placeholder);
            return 2;
        }
        if (a.get(0).equals("validate")) return validateWithoutSpring(args);
        if (a.get(0).equals("completion") || a.get(0).equals("init") || a.get(0).equals("render-k8s")) {
            // no Spring: a completion script, a fresh repo and rendered manifests need no job repository
            if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "logback-cli.xml");
            return commandLine(new HelpOnlyFactory(), extraSubcommands).execute(args);
        }
        if (a.get(0).equals("doctor")) {
            // dry by construction: no Spring context, so no job repository, Batch, Quartz or audit log
            // logback-cli.xml (as validate): root WARN, kubechores INFO; libraries would log at DEBUG without it
            if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "logback-cli.xml");
            return commandLine(new HelpOnlyFactory(), extraSubcommands).execute(args);
        }
        boolean serve = a.get(0).equals("serve");
        if (a.get(0).equals("demo") && extraSubcommands.stream().noneMatch(c -> c.getSimpleName().equals("DemoCommand"))) {
            System.err.println("kubechores: `demo` is not part of the production jar (it carries no simulated servers); "
                    + "run ./kubechores demo in a source checkout, which builds and runs demo/target/kubechores-demo.jar");
            return 2;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length && args[i + 1].equals("json")
                    || args[i].equals("--log-format=json")) {
                System.setProperty("logging.config", "classpath:logback-json.xml");
            }
            if (args[i].equals("--home") && i + 1 < args.length) System.setProperty("kubechores.home", args[i + 1]);
            // serve's runs (schedules, Run now) use the configured repo: take --repo/--ref from the command line
            if (serve && args[i].equals("--repo") && i + 1 < args.length) System.setProperty("kubechores.repo", args[i + 1]);
            if (serve && args[i].startsWith("--repo=")) System.setProperty("kubechores.repo", args[i].substring(7));
            if (serve && args[i].equals("--ref") && i + 1 < args.length) System.setProperty("kubechores.ref", args[i + 1]);
            if (serve && args[i].startsWith("--ref=")) System.setProperty("kubechores.ref", args[i].substring(6));
            // the port the runner serves on: before Spring starts, so the embedded server takes it
            if (serve && args[i].equals("--server.port") && i + 1 < args.length) System.setProperty("server.port", args[i + 1]);
            if (serve && args[i].startsWith("--server.port=")) System.setProperty("server.port", args[i].substring(14));
            if (args[i].startsWith("--home=")) System.setProperty("kubechores.home", args[i].substring(7));
        }
        // plan/run: only the beans and auto-configurations a run uses (OneShotApplication, issue 15); serve and demo
        // (web, Quartz, actuator, the demo's scanned components) the whole application
        boolean oneShot = (a.get(0).equals("plan") || a.get(0).equals("run")) && extraSubcommands.isEmpty();
        SpringApplication app = new SpringApplication(oneShot ? io.kubechores.OneShotApplication.class
                : KubechoresApplication.class);
        app.setBannerMode(Banner.Mode.OFF);
        app.setLogStartupInfo(false);
        app.setWebApplicationType(serve ? WebApplicationType.SERVLET : WebApplicationType.NONE);
        if (serve) app.setAdditionalProfiles("serve");
        // a one-shot run (plan/run/render-k8s) creates only the beans its command uses (issue 15: start-up to the
        // first API request; DownscaleCliBench --opts lazy=-Dspring.main.lazy-initialization=true measured 5-8% less
        // CPU per run); the runner keeps eager start-up so a wiring error shows at once, not at the first run
        if (!serve) app.setLazyInitialization(true);
        ConfigurableApplicationContext ctx = app.run();
        if (serve) {
            // stop and record the runs in flight before the JVM's shutdown hooks (H2's among them) start
            io.kubechores.runner.SigtermDrain.install(ctx.getBean(io.kubechores.runner.BatchChoreLauncher.class),
                    ctx.getEnvironment().getProperty("kubechores.runner.shutdown-drain", java.time.Duration.class,
                            java.time.Duration.ofSeconds(20)));
        }
        try {
            return commandLine(new SpringFactory(ctx), extraSubcommands).execute(args);
        } finally {
            if (!serve) ctx.close();
        }
    }

    /** The kustomize base's placeholder for the repo URL (k8s/config.yaml): a run with it is a forgotten overlay patch. */
    static final String REPO_PLACEHOLDER = "REPLACE_WITH_YOUR_FLEET_REPO_URL";

    /** A message when --repo (or $KUBECHORES_REPO, its default) is still the base's placeholder, else null. */
    static String placeholderRepo(String... args) {
        String repo = System.getenv("KUBECHORES_REPO");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--repo") && i + 1 < args.length) repo = args[i + 1];
            else if (args[i].startsWith("--repo=")) repo = args[i].substring(7);
        }
        if (repo == null || !repo.contains(REPO_PLACEHOLDER)) return null;
        return "--repo is the kustomize base's placeholder " + REPO_PLACEHOLDER + ": set data.repo of the ConfigMap"
                + " kubechores to your desired-state repo in your overlay (k8s/README.md, \"Your values\"), or install the"
                + " Helm chart with --set repo=URL";
    }

    /**
     * validate reads and checks the repo only: no job repository, no web server, no Spring context (issue 15). The
     * rules are the jobs' DesiredStateRule classes (DesiredStateRules), the repo cache is kubechores.home's.
     */
    private static int validateWithoutSpring(String... args) {
        if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "logback-cli.xml");
        String home = System.getProperty("kubechores.home");
        if (home == null) home = System.getenv("KUBECHORES_HOME");
        KubechoresProperties props = new KubechoresProperties(home == null || home.isBlank() ? null : Path.of(home),
                null, null, null, null, null, null, null, null);
        DesiredStateSource source = new DefaultDesiredStateSource(DesiredStateRules.all(), props,
                io.kubechores.desiredstate.SecretSource.ENVIRONMENT);
        return new CommandLine(new ValidateCommand(source)).execute(Arrays.copyOfRange(args, 1, args.length));
    }

    private static CommandLine commandLine(CommandLine.IFactory factory, List<Class<?>> extraSubcommands) {
        CommandLine cl = new CommandLine(new KubechoresCommand(), factory);
        for (Class<?> c : extraSubcommands) cl.addSubcommand(new CommandLine(c, factory));
        return cl;
    }

    /** For --help: builds commands without Spring (their collaborators stay null; help never calls them). */
    static final class HelpOnlyFactory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            var ctors = cls.getDeclaredConstructors();
            if (cls.isInterface() || ctors.length == 0) return CommandLine.defaultFactory().create(cls);
            var c = ctors[0];
            c.setAccessible(true);
            Object[] nulls = new Object[c.getParameterCount()];
            return cls.cast(c.newInstance(nulls));
        }
    }

    /** Lets picocli create commands as Spring beans (constructor injection). */
    static final class SpringFactory implements CommandLine.IFactory {
        private final ConfigurableApplicationContext ctx;

        SpringFactory(ConfigurableApplicationContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return ctx.getAutowireCapableBeanFactory().createBean(cls);
            } catch (Exception e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
