package io.kubechores.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `demo --home DIR` wipes only a folder the demo created and marked as its own (issue 23: a stand-in production home
 * lost its history, audit log and an unrelated file).
 */
class DemoHomeTest {
    @TempDir Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("kubechores.home");
    }

    @Test
    void refusesAFolderItDidNotCreateAndWipesOnlyItsOwn() throws Exception {
        Path prod = tmp.resolve("prod-home");
        Files.createDirectories(prod.resolve("audit"));
        Files.writeString(prod.resolve("audit/audit.jsonl"), "{}\n");
        Files.writeString(prod.resolve("notes.txt"), "mine");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = DemoMain.run("demo", "--home", prod.toString()); // refused before anything starts
        } finally {
            System.setErr(oldErr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip().lines()).singleElement().asString()
                .contains("was not created by the demo").contains("refusing to wipe it");
        assertThat(prod.resolve("notes.txt")).hasContent("mine");
        assertThat(prod.resolve("audit/audit.jsonl")).exists();

        // a new folder is created and marked; the next demo may wipe it (and only it)
        Path fresh = tmp.resolve("demo-home");
        System.setProperty("kubechores.home", fresh.toString());
        assertThat(DemoCommand.prepareHome()).isNull();
        assertThat(fresh.resolve(DemoCommand.MARKER)).isRegularFile();
        Files.writeString(fresh.resolve("old-report.html"), "x");
        assertThat(DemoCommand.prepareHome()).isNull();
        assertThat(fresh.resolve("old-report.html")).doesNotExist();
        assertThat(fresh.resolve(DemoCommand.MARKER)).isRegularFile();

        // an empty folder may be used (nothing to lose) and is marked
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        System.setProperty("kubechores.home", empty.toString());
        assertThat(DemoCommand.prepareHome()).isNull();
        assertThat(empty.resolve(DemoCommand.MARKER)).isRegularFile();

        // a marker that is a symbolic link does not count
        Path tricked = Files.createDirectories(tmp.resolve("tricked"));
        Files.writeString(tricked.resolve("data"), "keep");
        Files.createSymbolicLink(tricked.resolve(DemoCommand.MARKER), fresh.resolve(DemoCommand.MARKER));
        System.setProperty("kubechores.home", tricked.toString());
        assertThat(DemoCommand.prepareHome()).isNotNull();
        assertThat(tricked.resolve("data")).hasContent("keep");
    }
}
