package io.kubechores.platform.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Notifier} over java.net.http: Slack incoming webhook (POST JSON {"text": ...}) and Prometheus Pushgateway
 * (PUT &lt;url&gt;/metrics/job/&lt;job&gt; in text format 0.0.4, replacing the job's group). The webhook URL is a
 * secret: read from the environment variable the Fleet names, never logged, never part of an error message.
 * Failures throw {@link NotifyException} so the caller can record them (and retry next run).
 */
public final class HttpNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(HttpNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String slackWebhookUrl;
    private final String slackChannel;
    private final String pushgatewayUrl;
    private final Duration timeout;
    /** Created at the first notification: most runs send none (issue 15: a client per run cost ~2% of a no-op run). */
    private HttpClient http;

    public HttpNotifier(String slackWebhookUrl, String slackChannel, String pushgatewayUrl, Duration timeout) {
        // the whole webhook URL is the credential (Slack "Sending messages using incoming webhooks": keep it
        // secret): masked wherever it, or its path alone, shows up (an error body quoting the request, a log line)
        this.slackWebhookUrl = blankToNull(io.kubechores.desiredstate.Secrets.register(slackWebhookUrl));
        if (this.slackWebhookUrl != null) {
            int path = this.slackWebhookUrl.indexOf('/', this.slackWebhookUrl.indexOf("://") + 3);
            if (path > 0) io.kubechores.desiredstate.Secrets.register(this.slackWebhookUrl.substring(path).split("[\\s{]")[0]);
        }
        this.slackChannel = blankToNull(slackChannel);
        this.pushgatewayUrl = blankToNull(pushgatewayUrl);
        this.timeout = timeout;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** From the Fleet's notification settings; the Slack URL comes from the env var it names. */
    public static HttpNotifier fromFleet(FleetSpec.Notifications n, SecretSource secrets) {
        String slack = n.slackWebhookEnv() == null ? null : secrets.get(n.slackWebhookEnv()).orElse(null);
        return new HttpNotifier(slack, n.slackChannel(), n.pushgatewayUrl(), Duration.ofSeconds(10));
    }

    public boolean slackConfigured() {
        return slackWebhookUrl != null;
    }

    public boolean pushgatewayConfigured() {
        return pushgatewayUrl != null;
    }

    @Override
    public void slack(String markdownText) {
        post(markdownText, null);
    }

    /** Block Kit: {"text": fallback, "blocks": [...]} to the same incoming webhook. */
    @Override
    public void slack(SlackMessage message) {
        post(message.text(), message.blocks());
    }

    private void post(String markdownText, List<Map<String, Object>> blocks) {
        if (slackWebhookUrl == null) return;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", markdownText);
        if (blocks != null && !blocks.isEmpty()) body.put("blocks", blocks);
        if (slackChannel != null) body.put("channel", slackChannel);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new NotifyException("cannot encode Slack message", e);
        }
        URI webhook;
        try {
            webhook = URI.create(slackWebhookUrl.strip());
        } catch (IllegalArgumentException e) { // its message quotes the whole URL: the secret
            throw new NotifyException("the Slack webhook URL is not a valid URL (value not shown: it is a secret)", null);
        }
        HttpRequest req = HttpRequest.newBuilder(webhook).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        int status = send(req, "Slack webhook");
        log.info("notify=slack channel={} status={} chars={}", slackChannel, status, markdownText.length());
    }

    @Override
    public void pushMetrics(String job, String exposition) {
        if (pushgatewayUrl == null) return;
        String base = pushgatewayUrl.endsWith("/") ? pushgatewayUrl.substring(0, pushgatewayUrl.length() - 1)
                : pushgatewayUrl;
        URI uri;
        try {
            uri = URI.create(base + "/metrics/job/" + URLEncoder.encode(job, StandardCharsets.UTF_8).replace("+", "%20"));
        } catch (IllegalArgumentException e) {
            throw new NotifyException("the Pushgateway URL is not a valid URL: " + io.kubechores.desiredstate.Secrets.scrub(base), null);
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(exposition, StandardCharsets.UTF_8)).build();
        int status = send(req, "Pushgateway");
        log.info("notify=pushgateway url={} job={} status={} lines={}", io.kubechores.desiredstate.Secrets.scrub(uri.toString()), job, status,
                exposition.lines().count());
    }

    private int send(HttpRequest req, String what) {
        try {
            HttpResponse<String> r = http().send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                String b = r.body() == null ? "" : r.body();
                throw new NotifyException(what + " answered HTTP " + r.statusCode()
                        + (b.isBlank() ? "" : ": " + (b.length() > 200 ? b.substring(0, 200) : b)), null);
            }
            return r.statusCode();
        } catch (IOException e) {
            throw new NotifyException(what + " unreachable: " + e.getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotifyException(what + " interrupted", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "HttpNotifier[slack=" + (slackWebhookUrl == null ? "none" : "***") + ", channel=" + slackChannel
                + ", pushgateway=" + pushgatewayUrl + "]";
    }

    /** A notification that did not go out (message names the target kind, never the secret URL). */
    public static final class NotifyException extends RuntimeException {
        public NotifyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
