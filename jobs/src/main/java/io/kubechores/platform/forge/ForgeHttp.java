package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON over HTTP for the forge adapters (java.net.http + Jackson). Logs method, path and status only: headers carry
 * the token and are never logged or put in exception messages.
 * <p>
 * Rate limits, as GitHub and GitLab document them: a 429, or a 403 with {@code retry-after} or
 * {@code x-ratelimit-remaining: 0}, was not processed. The request is sent again after {@code retry-after} seconds,
 * else until {@code x-ratelimit-reset} / {@code RateLimit-Reset} (epoch seconds), else after a minute (GitHub's
 * advice for secondary limits) — at most {@link #MAX_RATE_LIMIT_RETRIES} times and only when the wait is at most
 * {@link #MAX_RATE_LIMIT_WAIT}; otherwise the call fails naming when the limit resets (the next run picks the work up:
 * every PR call is idempotent).
 */
final class ForgeHttp {

    private static final Logger log = LoggerFactory.getLogger(ForgeHttp.class);
    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");
    private static final int MAX_PAGES = 50;
    static final int MAX_RATE_LIMIT_RETRIES = 3;
    /** Longer waits fail the call instead: a run should not sit an hour waiting for a primary limit to reset. */
    static final Duration MAX_RATE_LIMIT_WAIT = Duration.ofSeconds(90);

    record Response(int status, JsonNode json, Optional<String> nextLink) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The forge's error text: "message" (a string, or GitLab's list) and any "errors[].message". */
        String message() {
            List<String> parts = new ArrayList<>();
            JsonNode m = json.path("message");
            if (m.isArray()) {
                m.forEach(x -> parts.add(x.asText()));
            } else if (m.isObject()) {
                m.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue()));
            } else if (!m.isMissingNode()) {
                parts.add(m.asText());
            }
            json.path("errors").forEach(e -> parts.add(e.isTextual() ? e.asText() : e.path("message").asText()));
            json.path("error").asText("").lines().filter(s -> !s.isBlank()).forEach(parts::add);
            return String.join("; ", parts);
        }
    }

    private final HttpClient client;
    private final String base;
    private final Map<String, String> headers;
    private final String forgeName;
    private final java.time.Clock clock = java.time.Clock.systemUTC();

    ForgeHttp(HttpClient client, URI base, Map<String, String> headers, String forgeName) {
        this.client = client;
        String b = base.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.headers = new LinkedHashMap<>(headers);
        this.forgeName = forgeName;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Response send(String method, String pathAndQuery, Object body) {
        return sendTo(method, base + pathAndQuery, body);
    }

    /** Sends and fails on anything but 2xx. */
    Response expectOk(String method, String pathAndQuery, Object body) {
        Response r = send(method, pathAndQuery, body);
        if (!r.ok()) {
            throw new ForgeClient.ForgeException(forgeName + " " + method + " " + stripQuery(pathAndQuery) + ": HTTP "
                    + r.status() + " " + r.message(), r.status());
        }
        return r;
    }

    /** GET every page (following Link rel="next") and concatenate the JSON arrays. */
    List<JsonNode> getAll(String pathAndQuery) {
        List<JsonNode> out = new ArrayList<>();
        String url = base + pathAndQuery;
        for (int page = 0; page < MAX_PAGES && url != null; page++) {
            Response r = sendTo("GET", url, null);
            if (!r.ok()) {
                throw new ForgeClient.ForgeException(forgeName + " GET " + stripQuery(pathAndQuery) + ": HTTP "
                        + r.status() + " " + r.message(), r.status());
            }
            r.json().forEach(out::add);
            url = r.nextLink().orElse(null);
        }
        return out;
    }

    private Response sendTo(String method, String url, Object body) {
        for (int attempt = 0; ; attempt++) {
            Exchange e = exchange(method, url, body);
            Optional<Duration> limited = rateLimitWait(e.response().status(), e.headers(), clock.instant());
            if (limited.isEmpty()) return e.response();
            Duration wait = limited.get();
            if (attempt >= MAX_RATE_LIMIT_RETRIES || wait.compareTo(MAX_RATE_LIMIT_WAIT) > 0) {
                throw new ForgeClient.ForgeException(forgeName + " " + method + " " + stripQuery(url)
                        + ": rate limited (HTTP " + e.response().status() + " " + e.response().message() + "); retry after "
                        + clock.instant().plus(wait).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + (attempt > 0 ? " (" + attempt + " retries already)" : ""), e.response().status());
            }
            log.warn("{} {} {}: rate limited (HTTP {}), waiting {} s before retry {}/{}", forgeName, method,
                    stripQuery(url), e.response().status(), Math.max(1, wait.toSeconds()), attempt + 1,
                    MAX_RATE_LIMIT_RETRIES);
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new ForgeClient.ForgeException(forgeName + " " + method + " interrupted", ie);
            }
        }
    }

    /**
     * How long a rate-limited answer asks to wait, or empty when the answer is not a rate limit. Table-tested in
     * ForgeHttpRateLimitTest.
     */
    static Optional<Duration> rateLimitWait(int status, java.net.http.HttpHeaders headers, Instant now) {
        Optional<String> retryAfter = headers.firstValue("retry-after");
        Optional<String> remaining = headers.firstValue("x-ratelimit-remaining");
        boolean limited = status == 429
                || status == 403 && (retryAfter.isPresent() || remaining.map(r -> r.trim().equals("0")).orElse(false));
        if (!limited) return Optional.empty();
        if (retryAfter.isPresent()) {
            String v = retryAfter.get().trim();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException notSeconds) {
                try { // HTTP-date
                    Instant at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
                } catch (java.time.format.DateTimeParseException unreadable) {
                    return Optional.of(Duration.ofMinutes(1));
                }
            }
        }
        Optional<String> reset = headers.firstValue("x-ratelimit-reset").or(() -> headers.firstValue("ratelimit-reset"));
        if (reset.isPresent()) {
            try {
                Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().trim()));
                return Optional.of(at.isAfter(now) ? Duration.between(now, at).plusSeconds(1) : Duration.ofSeconds(1));
            } catch (NumberFormatException unreadable) {
                return Optional.of(Duration.ofMinutes(1));
            }
        }
        return Optional.of(Duration.ofMinutes(1));
    }

    private record Exchange(Response response, java.net.http.HttpHeaders headers) {
    }

    private Exchange exchange(String method, String url, Object body) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(rb::header);
        try {
            if (body == null) {
                rb.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                rb.header("Content-Type", "application/json");
                rb.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            log.debug("{} {} {} -> {}", forgeName, method, stripQuery(url), resp.statusCode());
            byte[] bytes = resp.body();
            JsonNode json = MissingNode.getInstance();
            if (bytes != null && bytes.length > 0) {
                try {
                    json = JSON.readTree(bytes);
                } catch (IOException notJson) {
                    json = JSON.createObjectNode().put("message",
                            new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.UTF_8));
                }
            }
            Optional<String> next = resp.headers().allValues("Link").stream()
                    .flatMap(v -> {
                        Matcher m = NEXT.matcher(v);
                        return m.find() ? java.util.stream.Stream.of(m.group(1)) : java.util.stream.Stream.empty();
                    })
                    .findFirst();
            return new Exchange(new Response(resp.statusCode(), json, next), resp.headers());
        } catch (IOException e) {
            throw new ForgeClient.ForgeException(forgeName + " " + method + " " + stripQuery(url) + " failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeClient.ForgeException(forgeName + " " + method + " interrupted", e);
        }
    }

    private static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
