package io.kubechores.quotas;

import io.kubechores.platform.aws.QuotasAws;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the usage of every quota of a partition that has a usage metric (Service Quotas' ServiceQuota.UsageMetric)
 * with one CloudWatch GetMetricData call: daily points over {@link UsageForecast#WINDOW}, ending at the start of the
 * current hour (CloudWatch answers faster for hour-aligned times and the last partial day still counts). A quota
 * without a usage metric has no usage; CloudWatch being unreadable becomes one warning, never a failure.
 */
final class QuotaUsageReader {
    private QuotaUsageReader() {}

    static Map<QuotaKey, UsageForecast.Usage> read(QuotasAws aws, Map<QuotaKey, QuotasAws.Quota> quotas, Instant now,
                                                   String partition, List<String> warnings) {
        Map<String, QuotasAws.UsageMetric> metrics = new LinkedHashMap<>();
        Map<String, QuotaKey> byId = new HashMap<>();
        int i = 0;
        for (Map.Entry<QuotaKey, QuotasAws.Quota> e : quotas.entrySet()) {
            QuotasAws.Quota q = e.getValue();
            if (q == null || q.usageMetric() == null) continue;
            String id = "q" + i++;
            metrics.put(id, q.usageMetric());
            byId.put(id, e.getKey());
        }
        Map<QuotaKey, UsageForecast.Usage> out = new HashMap<>();
        if (metrics.isEmpty()) return out;
        Instant end = now.truncatedTo(ChronoUnit.HOURS);
        QuotasAws.UsageSeries s = aws.usage(metrics, end.minus(UsageForecast.WINDOW), end,
                UsageForecast.PERIOD_SECONDS);
        if (s.unavailable() != null) {
            warnings.add(partition + ": " + s.unavailable() + "; in use and days to exhaustion are not shown");
            return out;
        }
        s.series().forEach((id, points) -> {
            QuotaKey k = byId.get(id);
            if (k == null) return;
            UsageForecast.Usage u = UsageForecast.of(points.stream()
                    .map(p -> new UsageForecast.Point(p.at(), p.value())).toList(), quotas.get(k).value());
            if (u != null) out.put(k, u);
        });
        return out;
    }
}
