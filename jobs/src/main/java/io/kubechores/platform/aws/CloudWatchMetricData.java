package io.kubechores.platform.aws;

import software.amazon.awssdk.core.exception.SdkClientException;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudWatch GetMetricData (API version 2010-08-01) as a Query call ({@link SignedAwsCall#query}, signing name
 * "monitoring") instead of the SDK's {@code cloudwatch} module (1.5 MB for one read action, with the jar held at
 * 60 MB), for the quotas job's usage metrics. The SDK 2.40.2 client speaks the same Query protocol (its
 * DefaultCloudWatchClient is built on AwsQueryProtocolFactory), so the wire is the same.
 * Request (CloudWatch API reference, GetMetricData; MetricDataQuery, MetricStat, Metric, Dimension):
 * {@code MetricDataQueries.member.N.Id / .ReturnData / .MetricStat.Metric.Namespace / .MetricName /
 * .Dimensions.member.M.Name / .Value / .MetricStat.Period / .MetricStat.Stat, StartTime, EndTime (ISO 8601),
 * ScanBy, NextToken}; at most 500 queries per call.
 * Response:
 * <pre>{@code
 * <GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
 *   <GetMetricDataResult>
 *     <MetricDataResults>
 *       <member><Id>q0</Id><Label>..</Label><Timestamps><member>2026-11-11T10:00:00Z</member>..</Timestamps>
 *         <Values><member>40.0</member>..</Values><StatusCode>Complete</StatusCode></member>
 *     </MetricDataResults>
 *     <NextToken>..</NextToken>               (absent on the last page)
 *   </GetMetricDataResult>
 * </GetMetricDataResponse>
 * }</pre>
 * "The number of timestamps always matches the number of values and the value for Timestamps[x] is Values[x]"
 * (MetricDataResult).
 */
public final class CloudWatchMetricData implements AutoCloseable {
    public static final String VERSION = "2010-08-01";
    static final String ACTION = "GetMetricData";
    public static final int MAX_QUERIES = 500;

    private final SignedAwsCall query;

    public CloudWatchMetricData(SignedAwsCall query) {
        this.query = query;
    }

    /** One MetricStat query. */
    public record Query(String id, String namespace, String metricName, Map<String, String> dimensions, int period,
                        String stat) {}

    /** One page: id → (timestamp, value) pairs in the order answered, and the next page's token or null. */
    public record Page(Map<String, List<Map.Entry<Instant, Double>>> series, String nextToken) {}

    public Page page(List<Query> queries, Instant start, Instant end, String nextToken) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            String p = "MetricDataQueries.member." + (i + 1) + ".";
            params.put(p + "Id", q.id());
            params.put(p + "MetricStat.Metric.Namespace", q.namespace());
            params.put(p + "MetricStat.Metric.MetricName", q.metricName());
            int d = 1;
            for (Map.Entry<String, String> e : new TreeMap<>(q.dimensions()).entrySet()) {
                params.put(p + "MetricStat.Metric.Dimensions.member." + d + ".Name", e.getKey());
                params.put(p + "MetricStat.Metric.Dimensions.member." + d + ".Value", e.getValue());
                d++;
            }
            params.put(p + "MetricStat.Period", Integer.toString(q.period()));
            params.put(p + "MetricStat.Stat", q.stat());
            params.put(p + "ReturnData", "true");
        }
        params.put("StartTime", start.toString());
        params.put("EndTime", end.toString());
        params.put("NextToken", nextToken);
        params.put("ScanBy", "TimestampAscending");
        return parse(query.query(ACTION, VERSION, params));
    }

    /** Parses a GetMetricDataResponse body. */
    static Page parse(byte[] body) {
        Map<String, List<Map.Entry<Instant, Double>>> out = new LinkedHashMap<>();
        String token = null;
        try {
            XMLStreamReader r = SignedAwsCall.xml(body);
            List<String> path = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            String id = null;
            List<Instant> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    path.add(r.getLocalName());
                    if (path.size() == 1 && !path.getFirst().equals(ACTION + "Response")) {
                        throw SdkClientException.create("CloudWatch " + ACTION + " answered <" + path.getFirst()
                                + ">, not <" + ACTION + "Response>");
                    }
                    if (SignedAwsCall.at(path, "GetMetricDataResult", "MetricDataResults", "member")) {
                        id = null;
                        times = new ArrayList<>();
                        values = new ArrayList<>();
                    }
                    text.setLength(0);
                } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
                    text.append(r.getText());
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    String v = text.toString().strip();
                    if (SignedAwsCall.at(path, "GetMetricDataResult", "MetricDataResults", "member", "Id")) {
                        id = v;
                    } else if (SignedAwsCall.at(path, "GetMetricDataResult", "MetricDataResults", "member", "Timestamps", "member")) {
                        times.add(Instant.parse(v));
                    } else if (SignedAwsCall.at(path, "GetMetricDataResult", "MetricDataResults", "member", "Values", "member")) {
                        values.add(Double.valueOf(v));
                    } else if (SignedAwsCall.at(path, "GetMetricDataResult", "MetricDataResults", "member")) {
                        if (id != null) {
                            List<Map.Entry<Instant, Double>> s = out.computeIfAbsent(id, k -> new ArrayList<>());
                            for (int i = 0; i < Math.min(times.size(), values.size()); i++) {
                                s.add(Map.entry(times.get(i), values.get(i)));
                            }
                        }
                    } else if (SignedAwsCall.at(path, "GetMetricDataResult", "NextToken")) {
                        token = v.isEmpty() ? null : v;
                    }
                    path.removeLast();
                    text.setLength(0);
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof SdkClientException s) throw s;
            throw SdkClientException.create("CloudWatch " + ACTION + " answered no usable XML: " + e.getMessage(), e);
        }
        return new Page(out, token);
    }

    @Override
    public void close() {
        query.close();
    }
}
