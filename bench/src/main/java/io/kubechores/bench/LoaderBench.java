package io.kubechores.bench;

import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Problem;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Desired-state loading on one very long line (issue 21: one long line made loading quadratic, 10 MB 96 s, 20 MB
 * 365 s, 90 MB past 12 minutes). Cause: SnakeYAML's StreamReader copies its unread window on every 1023-character
 * read, and a token is unread until the scanner has peeked to its end; measured on this loader before the fix
 * (one comment line, parse only): 2 MB 2.5 s, 4 MB 12 s, 8 MB 35 s. The loader now reads through its own
 * linear reader. For each shape and size a copy of repo-layout/example gets one fleet.yaml line of that size, the
 * loader (file cap raised past the size) loads it, and the wall time and MB/s are printed: linear time means a
 * flat (or rising, as the fixed cost of loading the example fades) MB/s column. Shapes: a comment line; a quoted
 * value of an unknown field (reported as one problem after reading it). Measured on the shared 2-core machine,
 * -Xmx512m, C1: comment 1 MB 0.56 s, 10 MB 1.94 s, 100 MB 11.4 s; quoted 1 MB 0.39 s, 10 MB 1.06 s, 100 MB 11.9 s.
 * Usage: bench/run.sh LoaderBench [sizes in MB, default 1 10 100]
 */
public final class LoaderBench {
    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[]{1, 10, 100} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Path example = Path.of("repo-layout/example");
        DesiredStateLoader loader = new DesiredStateLoader(List.of(), new DesiredStateLoader.Limits(256L << 20, 512L << 20, 10_000));
        // warm-up: the JIT compiles the scanner before the first measured size
        run(loader, example, "comment", 1);
        System.out.printf("%-8s %8s %10s %8s  %s%n", "shape", "MB", "seconds", "MB/s", "result");
        for (String shape : List.of("comment", "quoted")) {
            for (int mb : sizes) {
                long t0 = System.nanoTime();
                String result = run(loader, example, shape, mb);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-8s %8d %10.2f %8.1f  %s%n", shape, mb, s, mb / s, result);
            }
        }
    }

    static String run(DesiredStateLoader loader, Path example, String shape, int mb) throws IOException {
        Path repo = Files.createTempDirectory("kubechores-loader-bench");
        try {
            copy(example, repo);
            Path fleet = repo.resolve("fleet.yaml");
            String base = Files.readString(fleet);
            try (BufferedWriter w = Files.newBufferedWriter(fleet, StandardCharsets.UTF_8)) {
                w.write(base);
                long n = mb * 1_000_000L;
                w.write(shape.equals("comment") ? "# " : "  paddingNote: \"");
                char[] chunk = "abcdefghij".repeat(100_000).toCharArray();
                for (long i = 0; i < n; i += chunk.length) w.write(chunk, 0, (int) Math.min(chunk.length, n - i));
                w.write(shape.equals("comment") ? "\n" : "\"\n");
            }
            List<Problem> problems = new ArrayList<>();
            loader.load(repo, "bench", problems);
            if (problems.isEmpty()) return "valid";
            String first = problems.getFirst().toString();
            return problems.size() + " problem(s): " + (first.length() > 140 ? first.substring(0, 140) + "…" : first);
        } finally {
            delete(repo);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
