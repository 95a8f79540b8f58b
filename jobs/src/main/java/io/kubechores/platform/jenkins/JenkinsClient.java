package io.kubechores.platform.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Triggers parameterized Jenkins jobs and follows them to their result (java.net.http, no Jenkins library).
 * <p>
 * Auth: HTTP Basic with user + API token. A CSRF crumb is fetched from /crumbIssuer/api/json when the controller
 * has crumbs enabled (404 = disabled) and sent with the session cookie. Trigger: POST
 * /job/&lt;folder&gt;/job/&lt;name&gt;/buildWithParameters → 201 + Location of the queue item; the queue item's
 * api/json names the build (executable.number) once it left the queue (or says cancelled); the build's api/json says
 * building=false and its result at the end. Polling is bounded by {@link Limits}. Never logs or renders the token.
 * <p>
 * Following up in a later run ({@link #followUp}): Jenkins keeps a queue item that left the queue (a
 * {@code hudson.model.Queue$LeftItem}) only for five minutes — {@code Queue.leftItems} is a Guava cache built with
 * {@code expireAfterWrite(5 * 60, TimeUnit.SECONDS)} in core/src/main/java/hudson/model/Queue.java (a constant, no
 * system property) — after which /queue/item/N/api/json answers 404. So the build number is recorded as soon as it
 * is known and followed directly; a queue item that is gone before its number was seen is found again among the
 * job's recent builds by its parameters.
 */
public final class JenkinsClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param pollInterval pause between polls
     * @param queueTimeout how long to wait for the queue item to become a build
     * @param buildTimeout how long to wait for the build to finish
     */
    public record Limits(Duration pollInterval, Duration queueTimeout, Duration buildTimeout) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(20));
    }

    /** Where a triggered build is. */
    public enum Status {
        QUEUED, RUNNING, FINISHED, CANCELLED,
        /** the queue item is gone (404) and no recent build of the job has these parameters */
        LOST
    }

    /**
     * @param queueUrl    the queue item (Location of the trigger)
     * @param buildNumber null while queued
     * @param buildUrl    null while queued
     * @param result      SUCCESS, FAILURE, UNSTABLE, ABORTED... when FINISHED
     * @param why         the queue's reason while waiting
     */
    public record Build(Status status, String queueUrl, Long buildNumber, String buildUrl, String result, String why) {
        public boolean done() {
            return status == Status.FINISHED || status == Status.CANCELLED;
        }

        public String describe() {
            return switch (status) {
                case QUEUED -> "queued" + (why == null ? "" : " (" + why + ")") + " at " + queueUrl;
                case RUNNING -> "build #" + buildNumber + " running: " + buildUrl;
                case FINISHED -> "build #" + buildNumber + " " + result + ": " + buildUrl;
                case CANCELLED -> "queue item cancelled: " + queueUrl;
                case LOST -> "queue item " + queueUrl + " is gone (Jenkins forgets a started item after 5 minutes) and no"
                        + " recent build has these parameters";
            };
        }
    }

    /** Jenkins refused or answered unexpectedly; message is safe to show (no credentials). */
    public static final class JenkinsException extends RuntimeException {
        private final int status;

        public JenkinsException(String message) {
            this(message, 0);
        }

        public JenkinsException(String message, int status) {
            super(message);
            this.status = status;
        }

        /** the HTTP status Jenkins answered (0: none) */
        public int status() {
            return status;
        }
    }

    private final URI base;
    private final String authorization;
    private final Limits limits;
    private final HttpClient http;
    private Map.Entry<String, String> crumb;
    private boolean crumbFetched;

    private final boolean readOnly;

    public JenkinsClient(JenkinsAccess access, Limits limits) {
        this.readOnly = access.readOnly();
        String url = access.url().endsWith("/") ? access.url() : access.url() + "/";
        this.base = URI.create(url);
        this.authorization = access.user() == null || access.token() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((access.user() + ":" + access.token())
                .getBytes(StandardCharsets.UTF_8));
        this.limits = limits;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** "platform/deploy-addon" → "job/platform/job/deploy-addon/". */
    public static String jobPath(String job) {
        StringBuilder sb = new StringBuilder();
        for (String part : job.split("/")) {
            if (part.isEmpty()) continue;
            sb.append("job/").append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20")).append('/');
        }
        return sb.toString();
    }

    /** Queues a build; returns the queue item URL from the 201's Location. */
    public String trigger(String job, Map<String, String> parameters) {
        String form = parameters.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest.Builder rb = request(base.resolve(jobPath(job) + "buildWithParameters"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        crumb().ifPresent(c -> rb.header(c.getKey(), c.getValue()));
        HttpResponse<String> r = send(rb.build(), "trigger " + job);
        if (r.statusCode() != 201) throw unexpected("trigger " + job, r);
        String location = r.headers().firstValue("Location")
                .orElseThrow(() -> new JenkinsException("trigger " + job + ": 201 without a Location header"));
        return base.resolve(location).toString();
    }

    /** One look at where a queued build is now (no waiting). */
    public Build poll(String queueUrl, Long knownBuild, String knownBuildUrl) {
        if (knownBuild == null) {
            JsonNode q = getJson(URI.create(withSlash(queueUrl) + "api/json"), "queue item");
            if (q.path("cancelled").asBoolean(false)) return new Build(Status.CANCELLED, queueUrl, null, null, null, null);
            JsonNode exe = q.path("executable");
            if (exe.isMissingNode() || exe.isNull() || !exe.has("number")) {
                return new Build(Status.QUEUED, queueUrl, null, null, null, q.path("why").asText(null));
            }
            knownBuild = exe.path("number").asLong();
            knownBuildUrl = exe.path("url").asText(null);
        }
        String url = knownBuildUrl;
        JsonNode b = getJson(URI.create(withSlash(base.resolve(URI.create(url).getPath()).toString()) + "api/json"), "build");
        if (b.path("building").asBoolean(false) || b.path("result").isNull() || b.path("result").isMissingNode()) {
            return new Build(Status.RUNNING, queueUrl, knownBuild, url, null, null);
        }
        return new Build(Status.FINISHED, queueUrl, knownBuild, url, b.path("result").asText(), null);
    }

    /** Polls until the build finished, the queue item was cancelled, or the limits ran out (then the last state). */
    public Build follow(String queueUrl) {
        return followQueued(queueUrl, poll(queueUrl, null, null));
    }

    private Build followQueued(String queueUrl, Build first) {
        Instant queueDeadline = Instant.now().plus(limits.queueTimeout());
        Build b = first;
        while (b.status() == Status.QUEUED && Instant.now().isBefore(queueDeadline)) {
            sleep();
            b = poll(queueUrl, null, null);
        }
        return followBuild(b);
    }

    private Build followBuild(Build first) {
        Build b = first;
        String queueUrl = b.queueUrl();
        Instant buildDeadline = Instant.now().plus(limits.buildTimeout());
        while (b.status() == Status.RUNNING && Instant.now().isBefore(buildDeadline)) {
            sleep();
            b = poll(queueUrl, b.buildNumber(), b.buildUrl());
        }
        return b;
    }

    /**
     * Where a deploy triggered by an earlier run is now, followed within the limits: by its build once the number is
     * known (never the queue item again: Jenkins forgets it five minutes after the build started), else by its queue
     * item, else — the queue item answered 404 — by its parameters among the job's recent builds ({@link #findBuild}).
     */
    public Build followUp(String queueUrl, Long buildNumber, String buildUrl, String job, Map<String, String> parameters) {
        Build b;
        if (buildNumber != null && buildUrl != null) {
            b = poll(queueUrl, buildNumber, buildUrl);
        } else {
            try {
                b = poll(queueUrl, null, null);
            } catch (JenkinsException e) {
                if (e.status() != 404) throw e;
                Optional<Build> found = findBuild(job, parameters);
                if (found.isEmpty()) return new Build(Status.LOST, queueUrl, null, null, null, null);
                b = new Build(found.get().status(), queueUrl, found.get().buildNumber(), found.get().buildUrl(),
                        found.get().result(), null);
            }
            if (b.status() == Status.QUEUED) return followQueued(queueUrl, b);
        }
        return followBuild(b);
    }

    /**
     * The newest of the job's recent builds (last 50) run with exactly these parameter values, if any: how a run
     * that lost its own record still knows a deploy was already triggered.
     */
    public Optional<Build> findBuild(String job, Map<String, String> parameters) {
        JsonNode j = getJson(base.resolve(jobPath(job) + "api/json?tree="
                + enc("builds[number,url,building,result,actions[parameters[name,value]]]{0,50}")), "job " + job);
        for (JsonNode b : j.path("builds")) {
            Map<String, String> p = new LinkedHashMap<>();
            for (JsonNode a : b.path("actions")) {
                for (JsonNode param : a.path("parameters")) p.put(param.path("name").asText(), param.path("value").asText());
            }
            if (p.entrySet().containsAll(parameters.entrySet())) {
                boolean building = b.path("building").asBoolean(false) || b.path("result").isNull();
                return Optional.of(new Build(building ? Status.RUNNING : Status.FINISHED, null, b.path("number").asLong(),
                        b.path("url").asText(null), building ? null : b.path("result").asText(), null));
            }
        }
        return Optional.empty();
    }

    /**
     * doctor: fetches the CSRF crumb (GET /crumbIssuer/api/json) the way a trigger would, nothing else: "crumb
     * issued" or "crumbs disabled"; throws JenkinsException when the controller refuses (401/403) or is unreachable.
     */
    public String checkCrumb() {
        return crumb().map(c -> "crumb issued (" + c.getKey() + ")").orElse("crumbs disabled on the controller (404)");
    }

    private Optional<Map.Entry<String, String>> crumb() {
        if (!crumbFetched) {
            HttpResponse<String> r = send(request(base.resolve("crumbIssuer/api/json")).GET().build(), "crumb");
            if (r.statusCode() == 200) {
                try {
                    JsonNode c = JSON.readTree(r.body());
                    crumb = Map.entry(c.path("crumbRequestField").asText("Jenkins-Crumb"), c.path("crumb").asText());
                } catch (IOException e) {
                    throw new JenkinsException("crumb: unreadable answer");
                }
            } else if (r.statusCode() != 404) {
                throw unexpected("crumb", r);
            }
            crumbFetched = true;
        }
        return Optional.ofNullable(crumb);
    }

    private JsonNode getJson(URI uri, String what) {
        HttpResponse<String> r = send(request(uri).GET().build(), what);
        if (r.statusCode() != 200) throw unexpected(what, r);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new JenkinsException(what + ": unreadable JSON from " + uri.getPath());
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (authorization != null) b.header("Authorization", authorization);
        return b;
    }

    private HttpResponse<String> send(HttpRequest req, String what) {
        if (readOnly && !req.method().equals("GET")) throw new io.kubechores.platform.DryRunViolation(what + " (" + req.method() + " " + req.uri().getPath() + ")");
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new JenkinsException(what + ": cannot reach Jenkins at " + base + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JenkinsException(what + ": interrupted");
        }
    }

    private JenkinsException unexpected(String what, HttpResponse<String> r) {
        int s = r.statusCode();
        if (s == 401 || s == 403) {
            return new JenkinsException(what + ": Jenkins answered " + s + (authorization == null
                    ? " — no credentials configured: set the Fleet's spec.jenkins.userEnv and tokenEnv variables (user + API token)"
                    : " — the user/API token was refused or lacks the Job/Build permission"));
        }
        return new JenkinsException(what + ": Jenkins answered HTTP " + s + " for " + r.request().uri().getPath(), s);
    }

    private void sleep() {
        try {
            Thread.sleep(limits.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JenkinsException("interrupted while following a build");
        }
    }

    private static String withSlash(String u) {
        return u.endsWith("/") ? u : u + "/";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
