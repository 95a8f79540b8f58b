package io.kubechores.demo;

import io.kubechores.cli.Main;
import io.kubechores.cli.ServeCommand;

import java.util.List;

/**
 * Entry point of kubechores-demo.jar: the production CLI ({@link Main}) plus the {@code demo} subcommand, whose
 * simulated servers (testkit) never ship in kubechores.jar. {@code ./kubechores demo} runs this jar.
 */
public final class DemoMain {
    private DemoMain() {}

    public static void main(String[] args) {
        int code = run(args);
        if (code != ServeCommand.KEEP_RUNNING) System.exit(code);
    }

    /** Runs the command line with {@code demo} available; returns the exit code. */
    public static int run(String... args) {
        boolean help = List.of(args).contains("--help") || List.of(args).contains("-h");
        if (args.length > 0 && args[0].equals("demo") && !help) {
            DemoCommand.prepareHome();
            // the demo prints its own summary; per-action log lines stay in the audit log and the reports
            if (System.getProperty("logging.level.io.kubechores") == null) System.setProperty("logging.level.io.kubechores", "WARN");
            if (System.getProperty("logging.level.kubechores") == null) System.setProperty("logging.level.kubechores", "WARN");
        }
        return Main.run(List.of(DemoCommand.class), args);
    }
}
