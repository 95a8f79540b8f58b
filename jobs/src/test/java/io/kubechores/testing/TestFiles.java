package io.kubechores.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** File helpers shared by tests (e.g. a writable copy of repo-layout/example to break or edit). */
public final class TestFiles {
    /** The example fleet, relative to the jobs module (where Maven runs the tests). */
    public static final Path EXAMPLE = Path.of("../repo-layout/example");

    private TestFiles() {}

    /** Copies every folder and file below from to to (created as needed; existing files are replaced). */
    public static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
