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
 */
final class ForgeHttp {

    private static final Logger log = LoggerFactory.getLogger(ForgeHttp.class);
    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");
    private static final int MAX_PAGES = 50;

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
            return new Response(resp.statusCode(), json, next);
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
