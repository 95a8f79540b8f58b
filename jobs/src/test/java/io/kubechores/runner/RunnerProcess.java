package io.kubechores.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@link RunnerTestApp} in its own JVM (same JDK and classpath as the tests), so a test can SIGKILL it mid-run. */
final class RunnerProcess {
    private RunnerProcess() {
    }

    static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), RunnerTestApp.class.getName()));
        cmd.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
