package io.kubechores.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** kubechores serve: the long-running runner (Quartz schedules from schedules/, status page, manual triggers, metrics). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the long-running runner: fires every enabled schedule of schedules/ with Quartz, serves the status page "
                + "(history, next runs, Run now) on --server.port (default 8080), and metrics at /actuator/prometheus. "
                + "Several runners share one PostgreSQL job store (SPRING_DATASOURCE_URL=jdbc:postgresql://...).",
        footer = {"", "Examples:", "  kubechores serve --repo https://github.com/acme/fleet.git",
                "  SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/kubechores kubechores serve --repo ./fleet"})
public class ServeCommand implements Callable<Integer> {
    /** Exit code meaning: do not exit, the web server keeps the JVM alive. */
    public static final int KEEP_RUNNING = Integer.MIN_VALUE;

    @Mixin
    RepoOptions repo = new RepoOptions();

    @picocli.CommandLine.Option(names = "--server.port", paramLabel = "PORT",
            description = "Port of the status page, API and metrics (default 8080, or SERVER_PORT).")
    Integer port;

    @Override
    public Integer call() {
        System.out.println("kubechores runner started; status page on http://localhost:"
                + System.getProperty("server.port", System.getenv().getOrDefault("SERVER_PORT", "8080")) + "/");
        return KEEP_RUNNING;
    }
}
