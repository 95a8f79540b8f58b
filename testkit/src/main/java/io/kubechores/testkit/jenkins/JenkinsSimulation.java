package io.kubechores.testkit.jenkins;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

/**
 * A Jenkins controller on WireMock (loopback, random port) whose queue behaves like hudson.model.Queue, for the
 * tests that follow a deploy across runs:
 * <ul>
 *   <li>POST /job/…/buildWithParameters (with the crumb from /crumbIssuer/api/json) → 201, Location
 *   /queue/item/N/;</li>
 *   <li>/queue/item/N/api/json: a {@code Queue$BuildableItem} with {@code why} for {@link #queuedPolls} polls, then
 *   a {@code Queue$LeftItem} with {@code cancelled: false} and {@code executable.number/url};</li>
 *   <li>a left item is forgotten five minutes after it left (Queue.leftItems: a Guava cache
 *   {@code expireAfterWrite(5 * 60, TimeUnit.SECONDS)}, jenkinsci/jenkins core/src/main/java/hudson/model/Queue.java):
 *   after that, and for an id never issued, the item answers 404 — the simulation's time is set by the test
 *   ({@link #at}), never the wall clock;</li>
 *   <li>/job/…/N/api/json: {@code building}, {@code result} (null while building), {@code actions[].parameters[]}
 *   ({@code hudson.model.ParametersAction}); /job/…/api/json lists the builds newest first with the same fields
 *   (the {@code tree} query is honoured only as far as the {@code {0,50}} range).</li>
 * </ul>
 * Builds finish after {@link #runningPolls} polls with {@link #result} unless {@link #holdBuilds} (then {@link #finishAll}).
 */
public final class JenkinsSimulation implements ResponseDefinitionTransformerV2 {
    public static final Duration LEFT_ITEM_TTL = Duration.ofSeconds(5 * 60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUEUE_ITEM = Pattern.compile("/queue/item/(\\d+)/api/json.*");
    private static final Pattern BUILD = Pattern.compile("(/(?:job/[^/]+/)+)(\\d+)/api/json.*");
    private static final Pattern JOB = Pattern.compile("(/(?:job/[^/]+/)+)api/json.*");
    private static final Pattern TRIGGER = Pattern.compile("(/(?:job/[^/]+/)+)buildWithParameters");

    public volatile int queuedPolls = 1;
    public volatile int runningPolls = 1;
    public volatile boolean holdBuilds;
    public volatile Function<Map<String, String>, String> result = p -> "SUCCESS";

    private final WireMockServer server;
    private volatile Instant now = Instant.EPOCH;
    private long nextItem = 100;
    private final Map<Long, Item> items = new ConcurrentHashMap<>();
    private final Map<String, List<Build>> builds = new ConcurrentHashMap<>();
    private final List<Map<String, String>> triggered = new ArrayList<>();

    private static final class Item {
        final long id;
        final String job;
        final Map<String, String> params;
        int pollsLeft;
        Build build;
        Instant leftAt;

        Item(long id, String job, Map<String, String> params, int polls) {
            this.id = id;
            this.job = job;
            this.params = params;
            this.pollsLeft = polls;
        }
    }

    private static final class Build {
        final int number;
        final Map<String, String> params;
        int pollsLeft;
        String result;

        Build(int number, Map<String, String> params, int polls) {
            this.number = number;
            this.params = params;
            this.pollsLeft = polls;
        }
    }

    private JenkinsSimulation() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort().extensions(this));
    }

    public static JenkinsSimulation launch() {
        JenkinsSimulation s = new JenkinsSimulation();
        s.server.start();
        s.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
        return s;
    }

    public void stop() {
        server.stop();
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public WireMockServer server() {
        return server;
    }

    /** Sets the controller's time (the queue forgets left items by it). */
    public JenkinsSimulation at(Instant t) {
        now = t;
        return this;
    }

    /** Parameters of every build triggered, in order. */
    public synchronized List<Map<String, String>> triggered() {
        return List.copyOf(triggered);
    }

    /** Every queued item leaves the queue now (an executor took it), whether or not anyone polled it. */
    public synchronized void startAll() {
        items.values().forEach(i -> { if (i.build == null) leave(i); });
    }

    private void leave(Item item) {
        List<Build> list = builds.computeIfAbsent(item.job, k -> new ArrayList<>());
        item.build = new Build(list.size() + 1, item.params, runningPolls);
        list.add(item.build);
        item.leftAt = now;
    }

    public synchronized void finishAll(String result) {
        builds.values().forEach(l -> l.forEach(b -> { if (b.result == null) b.result = result; }));
    }

    /** How many queue item polls answered 404. */
    public int forgottenQueuePolls() {
        return (int) server.getAllServeEvents().stream()
                .filter(e -> QUEUE_ITEM.matcher(e.getRequest().getUrl()).matches() && e.getResponse().getStatus() == 404).count();
    }

    @Override
    public String getName() {
        return "jenkins-simulation";
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        LoggedRequest r = event.getRequest();
        String url = r.getUrl();
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        Matcher m;
        if (r.getMethod().getName().equals("GET") && path.equals("/crumbIssuer/api/json")) {
            return json(200, "{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumb\":\"sim-crumb\",\"crumbRequestField\":\"Jenkins-Crumb\"}");
        }
        if (r.getMethod().getName().equals("POST") && (m = TRIGGER.matcher(path)).matches()) {
            if (!"sim-crumb".equals(r.getHeader("Jenkins-Crumb"))) return html(403, "No valid crumb was included in the request");
            Map<String, String> params = form(r.getBodyAsString());
            long id = nextItem++;
            items.put(id, new Item(id, m.group(1), params, queuedPolls));
            triggered.add(params);
            return new ResponseDefinitionBuilder().withStatus(201)
                    .withHeader("Location", baseUrl() + "/queue/item/" + id + "/").build();
        }
        if (!r.getMethod().getName().equals("GET")) return html(405, "Method Not Allowed");
        if ((m = QUEUE_ITEM.matcher(path)).matches()) {
            Item item = items.get(Long.parseLong(m.group(1)));
            if (item == null || (item.leftAt != null && Duration.between(item.leftAt, now).compareTo(LEFT_ITEM_TTL) >= 0)) {
                return html(404, "Not Found"); // never issued, or forgotten by Queue.leftItems
            }
            if (item.build == null && item.pollsLeft-- <= 0) leave(item);
            ObjectNode q = JSON.createObjectNode();
            q.put("id", item.id);
            q.put("blocked", false);
            q.put("params", "\n" + String.join("\n", item.params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            q.put("stuck", false);
            q.putObject("task").put("_class", "hudson.model.FreeStyleProject").put("url", baseUrl() + item.job);
            if (item.build == null) {
                q.put("_class", "hudson.model.Queue$BuildableItem");
                q.put("buildable", true);
                q.put("why", "Waiting for next available executor");
            } else {
                q.put("_class", "hudson.model.Queue$LeftItem");
                q.put("buildable", false);
                q.putNull("why");
                q.put("cancelled", false);
                q.putObject("executable").put("_class", "hudson.model.FreeStyleBuild").put("number", item.build.number)
                        .put("url", baseUrl() + item.job + item.build.number + "/");
            }
            return json(200, q.toString());
        }
        if ((m = BUILD.matcher(path)).matches()) {
            Build b = find(m.group(1), Integer.parseInt(m.group(2)));
            if (b == null) return html(404, "Not Found");
            if (b.result == null && !holdBuilds && b.pollsLeft-- <= 0) b.result = result.apply(b.params);
            return json(200, build(m.group(1), b).toString());
        }
        if ((m = JOB.matcher(path)).matches()) {
            ObjectNode j = JSON.createObjectNode().put("_class", "hudson.model.FreeStyleProject");
            ArrayNode arr = j.putArray("builds");
            List<Build> list = new ArrayList<>(builds.getOrDefault(m.group(1), List.of()));
            for (int i = list.size() - 1, n = 0; i >= 0 && n < 50; i--, n++) arr.add(build(m.group(1), list.get(i)));
            return json(200, j.toString());
        }
        return html(404, "Not Found");
    }

    private Build find(String job, int number) {
        return builds.getOrDefault(job, List.of()).stream().filter(b -> b.number == number).findFirst().orElse(null);
    }

    private ObjectNode build(String job, Build b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("_class", "hudson.model.FreeStyleBuild");
        ArrayNode actions = n.putArray("actions");
        ObjectNode pa = actions.addObject().put("_class", "hudson.model.ParametersAction");
        ArrayNode ps = pa.putArray("parameters");
        b.params.forEach((k, v) -> ps.addObject().put("_class", "hudson.model.StringParameterValue").put("name", k).put("value", v));
        actions.addObject().put("_class", "hudson.model.CauseAction");
        n.put("building", b.result == null);
        n.put("number", b.number);
        if (b.result == null) n.putNull("result");
        else n.put("result", b.result);
        n.put("url", baseUrl() + job + b.number + "/");
        return n;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) return m;
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static ResponseDefinition json(int status, String body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody(body).build();
    }

    private static ResponseDefinition html(int status, String message) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "text/html;charset=utf-8")
                .withBody("<html><head><title>Error " + status + "</title></head><body><h2>HTTP ERROR " + status + " "
                        + message + "</h2></body></html>").build();
    }
}
