package io.kubechores.runner;

import io.kubechores.testing.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page at fleet scale (issue 22): a Spring Batch job repository (H2) seeded through the JobRepository API
 * with 150 clusters × 5 jobs × 4 runs (3,000 partition steps, as the launcher names them), then
 * <ul>
 *   <li>the page is read with a fixed number of SQL statements on the Batch tables (counted at the DataSource), not
 *   one per step: Spring Batch's JobRepository.getJobExecutions loads every step execution's context one query at a
 *   time (SimpleJobRepository/JdbcExecutionContextDao), about 7,500 queries for this page at 150 clusters;</li>
 *   <li>in headless Chromium the grid has every one of the 750 cells with the seeded outcome, each job's sparkline has a
 *   bar per run, and the times are shown in the viewer's zone (DevTools timezone override), which the page names;</li>
 *   <li>no console error (a CSP refusal of the page's one script would show as SEVERE).</li>
 * </ul>
 */
@SpringBootTest(classes = {RunnerTestApp.class, StatusGridIT.Counting.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:status-grid-it;DB_CLOSE_DELAY=-1",
        "spring.batch.jdbc.initialize-schema=always",
        "spring.batch.job.enabled=false",
        "kubechores.runner.schedules=../schedules",
        "kubechores.runner.scheduling.enabled=false",
        "kubechores.home=target/status-grid-it"})
@ActiveProfiles("serve")
class StatusGridIT {
    static final List<String> JOBS = List.of("certs", "downscale", "promote", "quotas", "rightsize");
    static final int CLUSTERS = 150, RUNS = 4;
    /** SQL statements on the Batch tables, as prepared. */
    static final List<String> BATCH_SQL = new CopyOnWriteArrayList<>();
    static boolean seeded;
    static HeadlessChromium chromium;

    @LocalServerPort int port;
    @Autowired JobRepository repository;

    @TestConfiguration
    static class Counting {
        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds ? counting(ds) : bean;
                }
            };
        }
    }

    static DataSource counting(DataSource ds) {
        return (DataSource) Proxy.newProxyInstance(StatusGridIT.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (p, m, args) -> {
                    Object r = invoke(ds, m, args);
                    return r instanceof Connection c ? connection(c) : r;
                });
    }

    static Connection connection(Connection c) {
        return (Connection) Proxy.newProxyInstance(StatusGridIT.class.getClassLoader(), new Class<?>[]{Connection.class},
                (p, m, args) -> {
                    if ((m.getName().equals("prepareStatement") || m.getName().equals("prepareCall"))
                            && args[0] instanceof String sql) record(sql);
                    Object r = invoke(c, m, args);
                    if (r instanceof Statement s && m.getName().equals("createStatement")) {
                        return Proxy.newProxyInstance(StatusGridIT.class.getClassLoader(), new Class<?>[]{Statement.class},
                                (p2, m2, a2) -> {
                                    if (m2.getName().startsWith("execute") && a2 != null && a2.length > 0
                                            && a2[0] instanceof String sql) record(sql);
                                    return invoke(s, m2, a2);
                                });
                    }
                    return r;
                });
    }

    static void record(String sql) {
        if (sql.toUpperCase(java.util.Locale.ROOT).contains("BATCH_")) BATCH_SQL.add(sql);
    }

    static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String cluster(int i) {
        return String.format("%s-%03d", i % 3 == 0 ? "staging" : "prod", i);
    }

    /** The seeded outcome of the latest run: every 17th cluster failed its last downscale run; certs still running on every 50th. */
    static String expected(String job, int i) {
        if (job.equals("downscale") && i % 17 == 0) return "FAILED";
        if (job.equals("certs") && i % 50 == 0) return "RUNNING";
        return "OK";
    }

    @BeforeEach
    void seedOnce() {
        if (seeded) return;
        LocalDateTime now = LocalDateTime.now();
        long runId = 1;
        for (int run = 0; run < RUNS; run++) {
            boolean last = run == RUNS - 1;
            for (String job : JOBS) {
                JobParameters params = new JobParametersBuilder().addString("trigger", "schedule")
                        .addString("dryRun", Boolean.toString(job.equals("promote") && last))
                        .addString("launcher", "runner-1@host", false).addLong("run.id", runId++).toJobParameters();
                JobInstance instance = repository.createJobInstance(job, params);
                JobExecution e = repository.createJobExecution(instance, params, new ExecutionContext());
                LocalDateTime start = now.minusHours((RUNS - run) * 6L);
                e.setStartTime(start);
                e.setStatus(BatchStatus.STARTED);
                repository.update(e);
                boolean anyFailed = false, anyRunning = false;
                for (int i = 0; i < CLUSTERS; i++) {
                    StepExecution s = repository.createStepExecution(job + ".partition:" + job + ":" + cluster(i), e);
                    s.setStartTime(start.plusSeconds(1));
                    String outcome = last ? expected(job, i) : "OK";
                    if (outcome.equals("RUNNING")) {
                        s.setStatus(BatchStatus.STARTED);
                        anyRunning = true;
                    } else {
                        s.setEndTime(start.plusSeconds(30 + run * 20L));
                        s.setStatus(BatchStatus.COMPLETED);
                        s.setExitStatus(outcome.equals("FAILED")
                                ? new ExitStatus(BatchChoreLauncher.PARTIAL_FAILURE, "API server answered 500") : ExitStatus.COMPLETED);
                        anyFailed |= outcome.equals("FAILED");
                    }
                    repository.update(s);
                }
                if (!anyRunning) {
                    e.setEndTime(start.plusSeconds(40 + run * 20L));
                    e.setStatus(BatchStatus.COMPLETED);
                    e.setExitStatus(anyFailed ? new ExitStatus(BatchChoreLauncher.PARTIAL_FAILURE, "some partitions failed")
                            : ExitStatus.COMPLETED);
                    repository.update(e);
                }
            }
        }
        seeded = true;
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) chromium.close();
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void thePageIsReadWithAFixedNumberOfQueriesAndHasEveryCell() throws Exception {
        BATCH_SQL.clear();
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        List<String> sql = List.copyOf(BATCH_SQL);
        // 3: runs with parameters, partition counts of those runs, latest step per job and partition (RunBoard)
        assertThat(sql).as("statements on the Batch tables for one page view: %s", sql).hasSizeLessThanOrEqualTo(3);
        Matcher cells = Pattern.compile("<td class=\"cell (OK|FAILED|RUNNING|NONE)[^\"]*\" data-job=\"([a-z]+)\" data-partition=\"([a-z0-9-]+)\"")
                .matcher(page.body());
        Set<String> seen = new HashSet<>();
        int failed = 0;
        while (cells.find()) {
            int i = Integer.parseInt(cells.group(3).substring(cells.group(3).lastIndexOf('-') + 1));
            assertThat(cells.group(1)).as(cells.group(2) + " on " + cells.group(3)).isEqualTo(expected(cells.group(2), i));
            assertThat(seen.add(cells.group(2) + "/" + cells.group(3))).isTrue();
            if (cells.group(1).equals("FAILED")) failed++;
        }
        assertThat(seen).hasSize(CLUSTERS * JOBS.size());
        assertThat(failed).isEqualTo(9); // clusters 0, 17, ..., 136
        assertThat(page.body()).contains("150 partition(s) × 5 job(s): 750 with a recent run");
    }

    @Test
    void inChromiumEveryCellSparklineAndTheViewersTimeZoneShow() throws Exception {
        chromium = HeadlessChromium.start(1400, 1000);
        chromium.consoleErrors();
        chromium.timeZone("America/New_York");
        chromium.driver.get(url("/"));
        List<WebElement> cells = chromium.driver.findElements(By.cssSelector("#grid td.cell"));
        assertThat(cells).hasSize(CLUSTERS * JOBS.size());
        assertThat(chromium.driver.findElements(By.cssSelector("#grid tr.gridrow"))).hasSize(CLUSTERS);
        WebElement failedCell = chromium.driver.findElement(By.cssSelector("td.cell[data-job='downscale'][data-partition='prod-017']"));
        assertThat(failedCell.getAttribute("class")).contains("FAILED");
        assertThat(failedCell.getText()).matches("✗ \\d+h");
        assertThat(failedCell.getAttribute("title")).contains("API server answered 500");
        assertThat(chromium.driver.findElement(By.cssSelector("td.cell[data-job='certs'][data-partition='staging-000']"))
                .getAttribute("data-outcome")).isEqualTo("RUNNING");
        assertThat(chromium.driver.findElement(By.cssSelector("td.cell[data-job='promote'][data-partition='prod-001']"))
                .getAttribute("class")).contains("plan");
        for (String job : JOBS) {
            List<WebElement> bars = chromium.driver.findElements(By.cssSelector("#spark-" + job + " rect"));
            assertThat(bars).as(job).hasSize(RUNS);
        }
        assertThat(chromium.driver.findElements(By.cssSelector("#spark-downscale rect.FAILED"))).hasSize(1);
        // one zone on the page: the viewer's, named
        assertThat(chromium.driver.findElement(By.id("tz")).getText()).startsWith("America/New_York");
        String shown = chromium.driver.findElement(By.id("now")).getText();
        assertThat(shown).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d (GMT-[45]|EST|EDT)");
        assertThat(chromium.consoleErrors()).isEmpty();
        chromium.screenshot("status-grid-150.png");
        // the cell links to its run
        failedCell.findElement(By.tagName("a")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(chromium.driver, Duration.ofSeconds(15))
                .until(d -> d.findElements(By.id("status")).size() == 1);
        assertThat(chromium.driver.findElement(By.id("status")).getText()).isEqualTo("PARTIAL_FAILURE");
        assertThat(chromium.driver.findElement(By.cssSelector("tr.partition[data-partition='prod-017']")).getText())
                .contains("FAILED");
        assertThat(chromium.consoleErrors()).isEmpty();
    }
}
