package io.kubechores.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `kubechores demo` end to end, as README's first command runs it: simulated clusters, local git remote, local forge,
 * WireMock AWS/Jenkins/Slack; every job's demo steps run through the Spring Batch launcher and print a summary.
 */
class DemoIT {
    @TempDir
    static Path home;
    static String out;
    static int code;

    @BeforeAll
    static void runDemo() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            System.setProperty("kubechores.home", home.toString());
            code = io.kubechores.demo.DemoMain.run("demo", "--home", home.toString());
        } finally {
            System.setOut(old);
            System.clearProperty("kubechores.home");
        }
        out = buf.toString(StandardCharsets.UTF_8);
        old.println(out);
    }

    @Test
    void demoFinishesWithSummaryAndWhereToLook() {
        assertThat(code).as(out).isZero();
        assertThat(out).contains("started 4 simulated clusters [prod-eu-1, prod-us-1, staging-eu-1, staging-us-1]")
                .contains("Where to look:")
                .contains("pull requests (local forge): " + home.resolve("world"))
                .contains("demo finished in");
        assertThat(out).doesNotContain("crashed:").doesNotContain("invalid input");
    }

    @Test
    void everyJobRunsItsStepsAndTheSecondRunsChangeNothing() {
        assertThat(out).contains("━━ downscale — night").contains("━━ downscale — morning")
                .contains("━━ rightsize —").contains("━━ quotas —").contains("━━ certs —").contains("━━ promote —");
        List<String> counts = out.lines().filter(l -> l.contains(" action(s)")).map(String::strip).toList();
        assertThat(counts).as(out).hasSize(15);
        // downscale: plan, night, same minute (nothing), morning
        java.util.regex.Matcher planned = java.util.regex.Pattern.compile(", (\\d+) planned").matcher(counts.get(0));
        assertThat(planned.find()).as(counts.get(0)).isTrue();
        int n = Integer.parseInt(planned.group(1));
        assertThat(n).isGreaterThan(10);
        assertThat(counts.get(1)).contains(", " + n + " applied");    // night: exactly the plan
        assertThat(counts.get(2)).doesNotContain("applied").doesNotContain("planned");
        assertThat(counts.get(3)).contains(", " + n + " applied");    // morning: every one restored
        // rightsize: one PR per manifest shape, then nothing new
        assertThat(counts.get(5)).contains("3 applied");
        assertThat(counts.get(6)).contains("3 unchanged").doesNotContain("applied");
        // quotas: files increase requests once
        assertThat(counts.get(8)).contains("5 applied"); // a sixth is deferred: 2 active requests per Region
        assertThat(counts.get(9)).doesNotContain("applied");
        // certs: alerts once
        assertThat(counts.get(10)).contains("1 applied");
        assertThat(counts.get(11)).doesNotContain("applied");
        // promote: the PR once (its Jenkins deploys wait for the PR to merge)
        assertThat(counts.get(13)).contains("1 applied");
        assertThat(counts.get(14)).doesNotContain("applied");
    }

    @Test
    void pullRequestsAndReportsAreWhereTheSummarySays() throws IOException {
        Path forge = home.resolve("world/.kubechores/forge");
        try (Stream<Path> s = Files.walk(forge)) {
            assertThat(s.filter(p -> p.getFileName().toString().equals("pr.json"))
                    .map(p -> forge.relativize(p.getParent()).toString().replace('\\', '/')).sorted().toList())
                    .containsExactly("promote/loki-prod", "rightsize/apps-payments", "rightsize/apps-search",
                            "rightsize/apps-shop");
        }
        try (Stream<Path> s = Files.walk(home.resolve("reports/certs"))) {
            assertThat(s.filter(p -> p.toString().endsWith("certs-report.html")).count()).isEqualTo(2);
        }
        // write-ahead trail (issue 23): an intent line before each change, its outcome after; every line is JSON
        java.util.List<String> audit = Files.readAllLines(home.resolve("audit/audit.jsonl"));
        assertThat(audit).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{"));
        assertThat(audit).filteredOn(l -> l.contains("\"phase\":\"outcome\"")).isNotEmpty()
                .allSatisfy(l -> assertThat(l).containsPattern("\"status\":\"(APPLIED|UNCHANGED)\""))
                .anySatisfy(l -> assertThat(l).contains("\"status\":\"APPLIED\""));
        assertThat(audit).anySatisfy(l -> assertThat(l).contains("\"phase\":\"intent\""));
        // every other line is a run's closed line (FileAuditLog: the next run reads back only to its job's last one)
        assertThat(audit).filteredOn(l -> !l.contains("\"phase\":\"intent\"") && !l.contains("\"phase\":\"outcome\""))
                .isNotEmpty().allSatisfy(l -> assertThat(l).contains("\"phase\":\"closed\""));
        // every intent has its outcome (run + seq): nothing the demo changed is left "outcome unknown"
        java.util.regex.Pattern key = java.util.regex.Pattern.compile("\"run\":\"([^\"]+)\",\"seq\":(\\d+)");
        java.util.Set<String> intents = new java.util.TreeSet<>();
        java.util.Set<String> outcomes = new java.util.TreeSet<>();
        for (String l : audit) {
            java.util.regex.Matcher m = key.matcher(l);
            if (!m.find()) continue;
            (l.contains("\"phase\":\"intent\"") ? intents : outcomes).add(m.group(1) + "#" + m.group(2));
        }
        assertThat(outcomes).as("outcomes of the intents").containsAll(intents);
    }

    /**
     * Every job's HTML report from the demo runs, in headless Chromium (issue 22): it loads with no console error
     * (chromedriver's browser log: a missing resource or a script error is SEVERE), shows the job's picture and the
     * shared layout. The richest report of each job is kept as target/screenshots/report-JOB.png.
     */
    @Test
    void everyReportRendersInChromiumWithItsPicture() throws Exception {
        java.util.Map<String, String> picture = java.util.Map.of(
                "downscale", "section.policy .week span.seg",
                "rightsize", ".proposal .bars .b.after",
                "quotas", "#headroom .hbar .wanted",
                "certs", "svg circle.dot",
                "promote", ".lane .stage");
        try (io.kubechores.testing.HeadlessChromium chromium = io.kubechores.testing.HeadlessChromium.start(1280, 1100)) {
            for (var e : new java.util.TreeMap<>(picture).entrySet()) {
                String job = e.getKey();
                java.util.List<Path> reports;
                try (Stream<Path> s = Files.walk(home.resolve("reports").resolve(job))) {
                    reports = s.filter(p -> p.getFileName().toString().equals(job + "-report.html")).sorted().toList();
                }
                assertThat(reports).as(job + " HTML reports").isNotEmpty();
                Path richest = null;
                int most = -1;
                chromium.consoleErrors();
                for (Path report : reports) {
                    chromium.driver.get(report.toUri().toString());
                    assertThat(chromium.consoleErrors()).as(report.toString()).isEmpty();
                    assertThat(chromium.driver.findElement(org.openqa.selenium.By.id("job")).getText()).isEqualTo(job);
                    assertThat(chromium.driver.findElements(org.openqa.selenium.By.cssSelector("header.kc, footer.kc"))).hasSize(2);
                    int n = chromium.driver.findElements(org.openqa.selenium.By.cssSelector(e.getValue())).size();
                    if (n > most) {
                        most = n;
                        richest = report;
                    }
                }
                assertThat(most).as(job + ": " + e.getValue() + " in some report").isPositive();
                chromium.driver.get(richest.toUri().toString());
                chromium.screenshot("report-" + job + ".png");
            }
            // the pictures' meaning, on the demo world's known content
            chromium.driver.get(latest("promote").toUri().toString());
            assertThat(chromium.driver.findElements(org.openqa.selenium.By.cssSelector(".lane .stage"))
                    .stream().map(s -> s.getAttribute("data-env")).distinct().toList()).contains("staging", "prod");
        }
    }

    static Path latest(String job) throws IOException {
        try (Stream<Path> s = Files.walk(home.resolve("reports").resolve(job))) {
            return s.filter(p -> p.getFileName().toString().equals(job + "-report.html")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }
}
