package io.kubechores.runner;

import io.kubechores.core.Chore;
import io.kubechores.report.Reports;
import io.kubechores.runner.schedule.JobSchedule;
import jakarta.servlet.http.HttpServletRequest;
import org.quartz.SchedulerException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's status page (GET /), its JSON (GET /api/jobs), one page per run with its per-cluster outcome and
 * report (GET /runs/{id}, report files under /runs/{id}/artifacts/{n}) and manual triggers (POST /jobs/{job}/run,
 * as a form post from the page or as JSON).
 * <p>
 * Manual triggers need the runner token ({@code kubechores.runner.token}, env KUBECHORES_RUNNER_TOKEN): typed into
 * the page's token field, or {@code Authorization: Bearer} for JSON; without a configured token they are disabled.
 * They are also CSRF-safe without sessions: a browser always sends Origin and/or Sec-Fetch-Site on a cross-site
 * POST, and such requests are refused (OWASP's standard-header and Fetch-Metadata defences); JSON needs a
 * Content-Type a cross-site form cannot send.
 */
@RestController
@Profile("serve")
public class StatusController {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ENGLISH);

    private final ChoreLauncher launcher;
    private final RunnerScheduler scheduler;
    private final RunHistory history;
    private final RunService runs;
    private final RunBoard board;
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final int historySize;
    private final ZoneId displayZone;
    private final byte[] token;
    private final Path home;
    private final TokenThrottle throttle;
    /** Reports and audit lines in the shared store (null when it is off): served when the file is not here. */
    private RunArchive archive;

    @org.springframework.beans.factory.annotation.Autowired(required = false)
    void setArchive(RunArchive archive) {
        this.archive = archive;
    }
    private final int sparklineRuns;
    private final int gridRuns;

    public StatusController(ChoreLauncher launcher, RunnerScheduler scheduler, RunHistory history, RunService runs,
                            ObjectProvider<Chore<?, ?, ?>> chores,
                            @Value("${kubechores.runner.history-size:10}") int historySize,
                            @Value("${kubechores.runner.display-zone:UTC}") String displayZone,
                            @Value("${kubechores.runner.token:}") String token,
                            @Value("${kubechores.home:${user.home}/.kubechores}") String home,
                            TokenThrottle throttle, RunBoard board,
                            @Value("${kubechores.runner.sparkline-runs:30}") int sparklineRuns,
                            @Value("${kubechores.runner.grid-runs:50}") int gridRuns) {
        this.throttle = throttle;
        this.board = board;
        this.sparklineRuns = Math.max(1, sparklineRuns);
        this.gridRuns = Math.max(1, gridRuns);
        this.launcher = launcher;
        this.scheduler = scheduler;
        this.history = history;
        this.runs = runs;
        chores.orderedStream().forEach(c -> descriptions.put(c.name(), c.description()));
        this.historySize = historySize;
        this.displayZone = ZoneId.of(displayZone);
        this.token = token.isBlank() ? null : token.strip().getBytes(StandardCharsets.UTF_8);
        this.home = Path.of(home).toAbsolutePath().normalize();
    }

    /** Whether manual triggers are enabled (a token is configured). */
    public boolean triggersEnabled() {
        return token != null;
    }

    /** One schedule of a job on the page and in JSON. */
    public record ScheduleView(String name, String cron, String timeZone, boolean enabled, boolean dryRun,
                               List<String> clusters, String ref, String nextFire, String nextFireShown) {}

    /** One past or running run; {@code partitions} says how many clusters (accounts, tools) ran and failed. */
    public record RunView(long executionId, String status, String exitCode, String exitDescription, String trigger,
                          boolean dryRun, String start, String startShown, String end, Double durationSeconds,
                          String durationShown, int partitions, long failedPartitions, String url) {}

    public record JobView(String name, String description, boolean running, int queued, List<ScheduleView> schedules,
                          List<RunView> runs, StatusGrid.Sparkline sparkline) {}

    /** Body of a JSON manual trigger; every field optional. */
    public record RunBody(Boolean dryRun, List<String> clusters, String ref) {}

    public List<JobView> jobs() {
        return jobs(readBoard());
    }

    /** The run history the page shows, in a fixed number of queries whatever the fleet size (RunBoard). */
    private RunBoard.Board readBoard() {
        return board.read(launcher.jobs().stream().sorted().toList(), Math.max(historySize, sparklineRuns), gridRuns);
    }

    private List<JobView> jobs(RunBoard.Board b) {
        return launcher.jobs().stream().sorted().map(j -> job(j, b.runs().getOrDefault(j, List.of()))).toList();
    }

    private JobView job(String job, List<RunBoard.RunRow> rows) {
        List<ScheduleView> ss = scheduler.schedules().stream().filter(s -> s.job().equals(job)).map(this::schedule).toList();
        List<RunView> rs = rows.stream().limit(historySize).map(this::run).toList();
        return new JobView(job, descriptions.getOrDefault(job, ""), runs.isRunning(job) || rs.stream().anyMatch(r -> r.end() == null),
                scheduler.pendingManual(job), ss, rs, StatusGrid.sparkline(rows.stream().limit(sparklineRuns).toList()));
    }

    private RunView run(RunBoard.RunRow r) {
        return new RunView(r.executionId(), r.shownStatus(), r.exitCode(), r.exitDescription(), r.trigger(), r.dryRun(),
                r.start() == null ? null : r.start().toString(),
                r.start() == null ? "" : SHOWN.format(r.start().atZone(displayZone)),
                r.end() == null ? null : r.end().toString(),
                r.duration() == null ? null : r.duration().toMillis() / 1000.0,
                r.duration() == null ? "running" : shown(r.duration()),
                r.partitions(), r.failedPartitions(), "/runs/" + r.executionId());
    }

    private ScheduleView schedule(JobSchedule s) {
        Instant next = scheduler.nextFire(s).orElse(null);
        return new ScheduleView(s.name(), s.cron(), s.timeZone().getId(), s.enabled(), s.args().dryRun(),
                s.args().clusters(), s.args().ref(), next == null ? null : next.toString(),
                next == null ? (s.enabled() && scheduler.schedulingEnabled() ? "-" : "not scheduled")
                        : SHOWN.format(next.atZone(s.timeZone())));
    }

    private RunView run(RunHistory.Run r) {
        return new RunView(r.executionId(), r.shownStatus(), r.exitCode(), r.exitDescription(), r.trigger(), r.dryRun(),
                r.start() == null ? null : r.start().toString(),
                r.start() == null ? "" : SHOWN.format(r.start().atZone(displayZone)),
                r.end() == null ? null : r.end().toString(),
                r.duration() == null ? null : r.duration().toMillis() / 1000.0,
                r.duration() == null ? "running" : shown(r.duration()),
                r.partitions().size(), r.failedPartitions(), "/runs/" + r.executionId());
    }

    static String shown(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return d.toMillis() < 10_000 ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : s + "s";
        if (s < 3600) return (s / 60) + "m" + (s % 60) + "s";
        return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    public String page(@RequestParam(name = "triggered", required = false) String triggered,
                       @RequestParam(name = "dryRun", required = false) Boolean dryRun) {
        Map<String, Object> model = new LinkedHashMap<>();
        RunBoard.Board b = readBoard();
        List<JobView> jobs = jobs(b);
        model.put("jobs", jobs);
        model.put("grid", StatusGrid.grid(b, jobs.stream().map(JobView::name).toList(), Instant.now()));
        model.put("zone", displayZone.getId());
        model.put("script", PageScripts.LOCAL_TIME);
        model.put("schedulingEnabled", scheduler.schedulingEnabled());
        model.put("triggered", triggered != null && launcher.jobs().contains(triggered) ? triggered : "");
        model.put("triggeredDryRun", Boolean.TRUE.equals(dryRun));
        model.put("now", SHOWN.format(Instant.now().atZone(displayZone)));
        model.put("nowIso", Instant.now().toString());
        model.put("triggersEnabled", triggersEnabled());
        return Reports.render("html/status.ftl", model);
    }

    /** A report file of a run, as the run page links it. */
    public record ArtifactView(String name, String url, boolean here) {}

    @GetMapping(value = "/runs/{id}", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> runPage(@PathVariable long id) {
        RunHistory.Run r = history.find(id).orElse(null);
        if (r == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN).body("no run " + id);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("run", r);
        model.put("view", run(r));
        List<ArtifactView> artifacts = new java.util.ArrayList<>();
        for (int i = 0; i < r.artifacts().size(); i++) {
            Path p = r.artifacts().get(i);
            artifacts.add(new ArtifactView(p.getFileName().toString(), "/runs/" + id + "/artifacts/" + i,
                    servable(p) || (archive != null && archive.hasReport(id, i))));
        }
        model.put("artifacts", artifacts);
        model.put("auditUrl", r.dryRun() ? "" : "/runs/" + id + "/audit");
        // the report the run page embeds: the run's HTML report, read through the artifact endpoint (where the run
        // recorded it); shown in a sandboxed frame so the report's own layout and styles apply
        model.put("embedded", artifacts.stream().filter(a -> a.name().endsWith(".html")).findFirst().orElse(null));
        model.put("zone", displayZone.getId());
        model.put("script", PageScripts.LOCAL_TIME);
        model.put("now", SHOWN.format(Instant.now().atZone(displayZone)));
        model.put("nowIso", Instant.now().toString());
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(Reports.render("html/run.ftl", model));
    }

    /** The run a PR's "Generated by kubechores run KEY" line links (RunLinks): redirects to its page. */
    @GetMapping("/runs/by-key/{key}")
    public ResponseEntity<String> runByKey(@PathVariable String key) {
        return board.byKey(key).<ResponseEntity<String>>map(id -> ResponseEntity.status(HttpStatus.SEE_OTHER)
                        .location(URI.create("/runs/" + id)).build())
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                        .body("no run with this key in the job repository"));
    }

    @GetMapping("/runs/{id}/artifacts/{n}")
    public ResponseEntity<byte[]> artifact(@PathVariable long id, @PathVariable int n) throws java.io.IOException {
        RunHistory.Run r = history.find(id).orElse(null);
        if (r == null || n < 0 || n >= r.artifacts().size()) return ResponseEntity.notFound().build();
        Path p = r.artifacts().get(n);
        RunArchive.Report archived = !servable(p) && archive != null ? archive.report(id, n).orElse(null) : null;
        if (archived != null) return reportFile(archived.name(), archived.body());
        if (!servable(p)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body(("report " + p.getFileName() + " is not on this runner (run by " + r.launcher() + ")")
                            .getBytes(StandardCharsets.UTF_8));
        }
        return reportFile(p.getFileName().toString(), Files.readAllBytes(p));
    }

    private static ResponseEntity<byte[]> reportFile(String name, byte[] body) {
        MediaType type = name.endsWith(".html") ? MediaType.TEXT_HTML : name.endsWith(".json") ? MediaType.APPLICATION_JSON
                : new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);
        return ResponseEntity.ok().contentType(type).header("X-Content-Type-Options", "nosniff").body(body);
    }

    /**
     * The run's audit trail (one JSON line per intent and outcome, audit.jsonl's format): from the shared store when
     * it is on, else the lines of this runner's own audit.jsonl that carry the run's id.
     */
    @GetMapping("/runs/{id}/audit")
    public ResponseEntity<String> audit(@PathVariable long id) throws java.io.IOException {
        String runId = history.runId(id).orElse(null);
        if (runId == null) return ResponseEntity.notFound().build();
        List<String> lines;
        if (archive != null) {
            lines = archive.auditLines(runId);
        } else {
            Path file = home.resolve("audit").resolve("audit.jsonl");
            String needle = "\"run\":\"" + runId + "\"";
            lines = new java.util.ArrayList<>();
            if (Files.isRegularFile(file)) {
                try (var all = Files.lines(file)) {
                    all.filter(l -> l.contains(needle)).forEach(lines::add);
                }
            }
        }
        String body = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .header("X-Content-Type-Options", "nosniff").body(body);
    }

    /** Only report files the run recorded, under kubechores.home, present on this runner. */
    private boolean servable(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(home) && Files.isRegularFile(abs);
    }

    @GetMapping(value = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<JobView> api() {
        return jobs();
    }

    @PostMapping(value = "/jobs/{job}/run", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public ResponseEntity<String> runFromForm(@PathVariable String job,
                                              @RequestParam(name = "dryRun", defaultValue = "false") boolean dryRun,
                                              @RequestParam(name = "token", required = false) String given,
                                              HttpServletRequest request) throws SchedulerException {
        ResponseEntity<String> refused = refuseCrossSite(request, job);
        if (refused == null) refused = refuseToken(given, request);
        if (refused != null) return refused;
        scheduler.triggerNow(job, dryRun, List.of(), null);
        return ResponseEntity.status(HttpStatus.SEE_OTHER)
                .location(URI.create("/?triggered=" + job + (dryRun ? "&dryRun=true" : ""))).build();
    }

    @PostMapping(value = "/jobs/{job}/run", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<?> runFromJson(@PathVariable String job, @RequestBody(required = false) RunBody body,
                                         HttpServletRequest request) throws SchedulerException {
        ResponseEntity<String> refused = refuseCrossSite(request, job);
        String auth = request.getHeader("Authorization");
        if (refused == null) refused = refuseToken(auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7) : null, request);
        if (refused != null) return refused;
        RunBody b = body == null ? new RunBody(false, List.of(), null) : body;
        String id = scheduler.triggerNow(job, Boolean.TRUE.equals(b.dryRun()), b.clusters(), b.ref());
        return ResponseEntity.accepted().body(Map.of("job", job, "trigger", "manual", "dryRun",
                Boolean.TRUE.equals(b.dryRun()), "id", id));
    }

    private ResponseEntity<String> refuseCrossSite(HttpServletRequest request, String job) {
        if (!launcher.jobs().contains(job)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body("unknown job '" + job + "'; known: " + launcher.jobs());
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) return forbidden("Sec-Fetch-Site " + site);
        String origin = request.getHeader("Origin");
        if (origin != null) {
            String host = request.getHeader("X-Forwarded-Host") != null ? request.getHeader("X-Forwarded-Host")
                    : request.getHeader("Host");
            String authority;
            try {
                authority = "null".equals(origin) ? null : URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                authority = null;
            }
            if (authority == null || host == null || !authority.equalsIgnoreCase(host.split(",")[0].trim())) {
                return forbidden("Origin " + origin);
            }
        }
        return null;
    }

    private ResponseEntity<String> refuseToken(String given, HttpServletRequest request) {
        if (token == null) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN)
                    .body("manual runs are disabled on this runner: set KUBECHORES_RUNNER_TOKEN to enable them");
        }
        long wait = throttle.retryAfterSeconds(request.getRemoteAddr());
        if (wait > 0) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.TEXT_PLAIN)
                    .header("Retry-After", Long.toString(wait))
                    .body("too many wrong runner tokens; retry in " + wait + " s");
        }
        byte[] g = given == null ? new byte[0] : given.strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, g)) { // constant time; the token itself is never logged or echoed
            throttle.failed(request.getRemoteAddr());
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.TEXT_PLAIN)
                    .header("WWW-Authenticate", "Bearer realm=\"kubechores\"")
                    .body("wrong or missing runner token");
        }
        return null;
    }

    private static ResponseEntity<String> forbidden(String why) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN)
                .body("cross-site request refused (" + why + "): trigger runs from the status page or with a JSON POST");
    }
}
