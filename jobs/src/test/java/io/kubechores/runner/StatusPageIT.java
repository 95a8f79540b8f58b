package io.kubechores.runner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page in a real headless Chromium (Debian's /usr/bin/chromium + /usr/bin/chromedriver; Selenium
 * Manager never downloads anything): schedules with next fire times, "Run now" / "Plan now" add runs to the
 * history, a cross-site form post is refused by the browser-sent Origin. Skipped where Chromium is absent.
 */
@SpringBootTest(classes = RunnerTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:status-page-it;DB_CLOSE_DELAY=-1",
        "spring.batch.jdbc.initialize-schema=always",
        "spring.batch.job.enabled=false",
        "kubechores.runner.schedules=../schedules"})
@ActiveProfiles("serve")
class StatusPageIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static WebDriver browser;
    static Path profile;

    @LocalServerPort int port;
    @Autowired FakeChoreLauncher launcher;

    @BeforeAll
    static void startChromium() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian chromium + chromium-driver not installed");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("kubechores-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopChromium() throws IOException {
        if (browser != null) browser.quit();
        if (profile != null) {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void runNowAddsARunToTheHistory() throws Exception {
        browser.get(url("/"));
        WebElement certs = browser.findElement(By.id("job-certs"));
        assertThat(certs.findElements(By.cssSelector("tr.run"))).isEmpty();
        assertThat(certs.findElement(By.cssSelector(".no-runs")).getText()).isEqualTo("No runs yet.");
        WebElement daily = certs.findElement(By.cssSelector("tr.schedule[data-schedule='certs-daily']"));
        assertThat(daily.findElement(By.cssSelector("td.next")).getText())
                .matches("\\d{4}-\\d\\d-\\d\\d 07:30:00 (CET|CEST)");
        assertThat(certs.findElement(By.cssSelector("tr.schedule[data-schedule='certs-prod-plan-weekly']")).getText())
                .contains("(disabled)", "not scheduled", "plan only", "clusters prod-eu-1, prod-us-1", "ref release");

        browser.findElement(By.id("run-certs")).click();
        assertThat(notice().getText()).contains("Run of certs queued");
        assertThat(browser.getCurrentUrl()).endsWith("/?triggered=certs");

        List<WebElement> rows = waitForRuns("certs", 1);
        assertThat(rows.getFirst().findElement(By.cssSelector("td.trigger")).getText()).isEqualTo("manual");
        assertThat(rows.getFirst().findElement(By.cssSelector("td.status")).getText()).isEqualTo("COMPLETED");
        assertThat(launcher.launches).contains("certs manual false");
    }

    /** The form post navigates: wait for the page it lands on instead of reading the old one. */
    private WebElement notice() {
        return new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(15))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(By.id("notice")));
    }

    @Test
    void planNowRunsADryRunAndFailuresShow() throws Exception {
        launcher.exitCodes.put("promote", 3);
        browser.get(url("/"));
        browser.findElement(By.id("plan-promote")).click();
        assertThat(notice().getText()).contains("Plan of promote queued");
        List<WebElement> rows = waitForRuns("promote", 1);
        assertThat(rows.getFirst().findElement(By.cssSelector("td.trigger")).getText()).isEqualTo("manual (plan)");
        assertThat(rows.getFirst().findElement(By.cssSelector("td.status")).getText()).isEqualTo("FAILED");
        assertThat(launcher.launches).contains("promote manual true");
    }

    @Test
    void aCrossSiteFormPostIsRefused() throws Exception {
        int before = launcher.launches.size();
        String attacker = "<form id='f' method='post' action='" + url("/jobs/downscale/run") + "'>"
                + "<input name='dryRun' value='false'></form><script>document.getElementById('f').submit()</script>";
        browser.get("data:text/html;charset=utf-8," + URLEncoder.encode(attacker, StandardCharsets.UTF_8).replace("+", "%20"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!browser.getPageSource().contains("cross-site request refused") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(browser.getPageSource()).contains("cross-site request refused");
        Thread.sleep(500);
        assertThat(launcher.launches).hasSize(before).noneMatch(l -> l.startsWith("downscale"));
    }

    private List<WebElement> waitForRuns(String job, int atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            browser.get(url("/"));
            List<WebElement> rows = browser.findElement(By.id("job-" + job)).findElements(By.cssSelector("tr.run"));
            boolean done = rows.size() >= atLeast
                    && !rows.getFirst().findElement(By.cssSelector("td.status")).getText().startsWith("START");
            if (done) return rows;
            if (System.currentTimeMillis() > deadline) throw new AssertionError("no finished run of " + job + " within 20s");
            Thread.sleep(200);
        }
    }
}
