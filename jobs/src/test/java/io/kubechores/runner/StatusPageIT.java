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
        "kubechores.runner.schedules=../schedules",
        "kubechores.runner.token=" + StatusPageIT.TOKEN,
        "kubechores.home=target/status-page-it"})
@ActiveProfiles("serve")
class StatusPageIT {
    static final String TOKEN = "page-token-42";
    /** Screenshots kept as test artefacts (CI keeps target/). */
    static final Path SHOTS = Path.of("target/screenshots");
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
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        // the viewer sits in Berlin: the page shows its times in the viewer's zone (the cron's zone here too)
        ((ChromeDriver) browser).executeCdpCommand("Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", "Europe/Berlin"));
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

        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("run-certs")).click();
        assertThat(notice().getText()).contains("Run of certs queued");
        assertThat(browser.getCurrentUrl()).endsWith("/?triggered=certs");

        List<WebElement> rows = waitForRuns("certs", 1);
        assertThat(rows.getFirst().findElement(By.cssSelector("td.trigger")).getText()).isEqualTo("manual");
        assertThat(rows.getFirst().findElement(By.cssSelector("td.status")).getText()).isEqualTo("COMPLETED");
        assertThat(launcher.launches).contains("certs manual false");
    }

    @Test
    void enterInTheTokenFieldTriggersNothingAndAWrongTokenIsRefused() throws Exception {
        int before = launcher.launches.size();
        browser.get(url("/"));
        browser.findElement(By.id("token")).sendKeys("wrong" + org.openqa.selenium.Keys.ENTER);
        Thread.sleep(500);
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/"));
        browser.findElement(By.id("run-quotas")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(15))
                .until(d -> d.getPageSource().contains("wrong or missing runner token"));
        Thread.sleep(300);
        assertThat(launcher.launches).hasSize(before);
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
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("plan-promote")).click();
        assertThat(notice().getText()).contains("Plan of promote queued");
        List<WebElement> rows = waitForRuns("promote", 1);
        WebElement run = rows.getFirst();
        assertThat(run.findElement(By.cssSelector("td.trigger")).getText()).isEqualTo("manual (plan)");
        assertThat(run.findElement(By.cssSelector("td.exit")).getText()).isEqualTo("PARTIAL_FAILURE");
        assertThat(run.findElement(By.cssSelector("td.partitions")).getText()).isEqualTo("2, 1 failed");
        assertThat(launcher.launches).contains("promote manual true");
        screenshot("status-page.png");

        // the run's page: per-cluster outcome, the plan, and its report
        run.findElement(By.cssSelector("a.report")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(15))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(By.id("summary")));
        assertThat(browser.findElement(By.id("trigger")).getText()).isEqualTo("manual (plan: nothing changed)");
        WebElement prod = browser.findElement(By.cssSelector("tr.partition[data-partition='prod-eu-1']"));
        assertThat(prod.getAttribute("class")).contains("failed");
        assertThat(prod.getText()).contains("FAILED", "API server answered 500");
        assertThat(browser.findElement(By.cssSelector("tr.partition[data-partition='staging-eu-1']")).getText())
                .contains("COMPLETED", "2");
        assertThat(browser.findElement(By.id("summary")).getText()).contains("promote plan: 2 action(s) on staging-eu-1");
        screenshot("run-page.png");
        // the run page embeds the run's HTML report (read through the artifact endpoint, framed by the same origin)
        WebElement frame = browser.findElement(By.id("report-frame"));
        assertThat(frame.getAttribute("src")).endsWith("/artifacts/0");
        browser.switchTo().frame(frame);
        assertThat(browser.findElement(By.id("report")).getText()).startsWith("promote report of run ");
        browser.switchTo().defaultContent();
        browser.findElement(By.linkText("report.html")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(15))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(By.id("report")));
        assertThat(browser.findElement(By.id("report")).getText()).startsWith("promote report of run ");
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        Files.write(SHOTS.resolve(name), png);
        assertThat(png.length).isGreaterThan(1000);
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
