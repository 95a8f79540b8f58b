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
            for (int i = 0; i < args.length; i++) { // the home to check is the one given, before Main reads it
                if (args[i].equals("--home") && i + 1 < args.length) System.setProperty("kubechores.home", args[i + 1]);
                if (args[i].startsWith("--home=")) System.setProperty("kubechores.home", args[i].substring(7));
            }
            String refused = DemoCommand.prepareHome();
            if (refused != null) { // never wipe a folder the demo did not create (issue 23)
                System.err.println("kubechores: " + refused);
                return 2;
            }
            // the demo prints its own summary; per-action log lines stay in the audit log and the reports
            if (System.getProperty("logging.level.io.kubechores") == null) System.setProperty("logging.level.io.kubechores", "WARN");
            if (System.getProperty("logging.level.kubechores") == null) System.setProperty("logging.level.kubechores", "WARN");
        }
        return Main.run(List.of(DemoCommand.class), args);
    }
}
