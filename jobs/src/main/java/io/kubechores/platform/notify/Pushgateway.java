package io.kubechores.platform.notify;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Prometheus Pushgateway (prometheus/pushgateway README, "API"): POST /metrics/job/JOB{/LABEL/VALUE} with the text
 * exposition format replaces, in that group, only the metrics of the names pushed; the others stay (PUT would drop
 * them). So a failed run's push keeps the last success timestamp a previous run pushed.
 */
public final class Pushgateway {
    private final HttpClient http;
    private final Duration timeout;

    public Pushgateway(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** @param grouping label/value pairs after the job (e.g. "shard", "0") */
    public void post(String baseUrl, String job, List<String> grouping, String exposition) {
        StringBuilder path = new StringBuilder(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
                .append("/metrics/job/").append(enc(job));
        for (String g : grouping) path.append('/').append(enc(g));
        HttpRequest req = HttpRequest.newBuilder(URI.create(path.toString())).timeout(timeout)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(exposition, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                String b = r.body() == null ? "" : r.body();
                throw new HttpNotifier.NotifyException("Pushgateway answered HTTP " + r.statusCode()
                        + (b.isBlank() ? "" : ": " + (b.length() > 200 ? b.substring(0, 200) : b)), null);
            }
        } catch (IOException e) {
            throw new HttpNotifier.NotifyException("Pushgateway unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpNotifier.NotifyException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
