package io.kubechores.testing;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium through Debian's chromedriver (Selenium Manager never downloads a browser), for the
 * browser tests of the status page and of every report. Reads the page's console through chromedriver's log API
 * ({@code goog:loggingPrefs} browser=ALL; ChromeDriver "Logging" docs): a CSP violation, a script error or a failed
 * load shows there as SEVERE. Tests call {@link #start} in @BeforeAll; it skips them where Chromium is absent.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Screenshots kept as test artefacts (CI keeps target/). */
    public static final Path SHOTS = Path.of("target/screenshots");

    public final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static HeadlessChromium start(int width, int height) throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian chromium + chromium-driver not installed");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile = Files.createTempDirectory("kubechores-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--user-data-dir=" + profile, "--allow-file-access-from-files");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().window().setSize(new Dimension(width, height));
        return new HeadlessChromium(driver, profile);
    }

    /** The viewer's time zone as the page's scripts see it (DevTools Emulation.setTimezoneOverride). */
    public void timeZone(String zone) {
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", zone));
    }

    /** Console messages at SEVERE since the last call (reading drains chromedriver's buffer). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    /** Full-page screenshot (the window grows to the document's height first) into target/screenshots/NAME. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        assertThat(png.length).isGreaterThan(1000);
        return Files.write(SHOTS.resolve(name), png);
    }

    /** A screenshot of the whole document, not only the window (Page.captureScreenshot with captureBeyondViewport). */
    public Path fullPageScreenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        Object res = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        byte[] png = java.util.Base64.getDecoder().decode((String) ((Map<?, ?>) res).get("data"));
        assertThat(png.length).isGreaterThan(1000);
        return Files.write(SHOTS.resolve(name), png);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (Stream<Path> s = Files.walk(profile)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

}
