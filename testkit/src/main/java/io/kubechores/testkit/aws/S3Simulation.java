package io.kubechores.testkit.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

/**
 * A simulated Amazon S3 speaking the REST protocol, path-style ({@code /BUCKET/KEY}), for WireMock: ListObjectsV2 and
 * GetObject on in-memory buckets, with S3's real shapes (Amazon S3 API Reference 2006-03-01):
 * <ul>
 *   <li>{@code GET /BUCKET?list-type=2&prefix=…[&continuation-token=…][&max-keys=…][&encoding-type=url]} →
 *       {@code <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">} with Name, Prefix, KeyCount,
 *       MaxKeys, IsTruncated, NextContinuationToken (opaque), EncodingType and {@code <Contents>} (Key, LastModified,
 *       ETag, Size, StorageClass) in key order, at most min(max-keys, 1000, {@link #pageSize}) per page; with
 *       encoding-type=url the keys and prefix are URL-encoded;</li>
 *   <li>{@code GET /BUCKET/KEY} → the bytes (Content-Type, ETag, Last-Modified, x-amz-request-id);</li>
 *   <li>errors as S3 sends them ("Error responses"): XML {@code <Error><Code/><Message/>…<RequestId/><HostId/></Error>},
 *       application/xml: 404 NoSuchKey (with Key), 404 NoSuchBucket (with BucketName), 403 AccessDenied,
 *       403 SignatureDoesNotMatch, 403 InvalidAccessKeyId, 403 RequestTimeTooSkewed (more than 15 minutes off),
 *       400 AuthorizationHeaderMalformed when the credential scope names another region than the bucket's (with
 *       Region and the {@code x-amz-bucket-region} header), 405 MethodNotAllowed for anything but GET;</li>
 *   <li>every request must carry a SigV4 {@code Authorization} header for service s3, verified here independently of
 *       the SDK (canonical request with S3's single URI-encoding, signed headers, x-amz-content-sha256) against the
 *       registered secret keys.</li>
 * </ul>
 * It depends on no kubechores code.
 */
public final class S3Simulation implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "s3-simulation";
    public static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private record Bucket(String region, NavigableMap<String, byte[]> objects, List<String> deniedPrefixes) {}

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private volatile int pageSize = 1000;
    private final Instant lastModified = Instant.parse("2026-10-01T08:30:00Z");

    /** Checks request dates against the system clock (as S3 does). */
    public S3Simulation() {
        this(Clock.systemUTC());
    }

    public S3Simulation(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Routes every request of the server to this simulation (register it with options().extensions(sim) first). */
    public S3Simulation install(WireMockServer server) {
        server.stubFor(any(anyUrl()).atPriority(100).willReturn(aResponse().withTransformers(NAME)));
        return this;
    }

    /** A key pair the simulation accepts. */
    public S3Simulation credentials(String accessKeyId, String secretAccessKey) {
        secrets.put(accessKeyId, secretAccessKey);
        return this;
    }

    public S3Simulation bucket(String name, String region) {
        buckets.put(name, new Bucket(region, new ConcurrentSkipListMap<>(), new CopyOnWriteArrayList<>()));
        return this;
    }

    public S3Simulation put(String bucket, String key, byte[] data) {
        buckets.get(bucket).objects().put(key, data.clone());
        return this;
    }

    public S3Simulation put(String bucket, String key, String text) {
        return put(bucket, key, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Requests for keys (or list prefixes) under prefix answer 403 AccessDenied (a bucket policy). */
    public S3Simulation deny(String bucket, String prefix) {
        buckets.get(bucket).deniedPrefixes().add(prefix);
        return this;
    }

    /** Keys per ListObjectsV2 page (S3: 1,000), smaller to exercise pagination. */
    public S3Simulation pageSize(int n) {
        this.pageSize = n;
        return this;
    }

    /** Forgets the requests seen so far. */
    public void clearRequests() {
        requests.clear();
    }

    /** "GET /bucket?list-type=2…" / "GET /bucket/key" lines, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request r = event.getRequest();
        String url = r.getUrl();
        requests.add(r.getMethod() + " " + url);
        String rawPath = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String rawQuery = url.contains("?") ? url.substring(url.indexOf('?') + 1) : "";
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        String[] parts = path.substring(1).split("/", 2);
        String bucketName = parts[0];
        String key = parts.length > 1 ? parts[1] : "";
        Bucket bucket = buckets.get(bucketName);

        String authError = checkSignature(r, rawPath, rawQuery, bucket);
        if (authError != null) return authFailure(authError, bucketName, bucket);
        if (!RequestMethod.GET.equals(r.getMethod())) {
            return error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
                    "<Method>" + r.getMethod() + "</Method><ResourceType>OBJECT</ResourceType>");
        }
        if (bucket == null) {
            return error(404, "NoSuchBucket", "The specified bucket does not exist",
                    "<BucketName>" + xml(bucketName) + "</BucketName>");
        }
        Map<String, String> q = query(rawQuery);
        if (key.isEmpty() && "2".equals(q.get("list-type"))) return list(bucketName, bucket, q);
        for (String denied : bucket.deniedPrefixes()) {
            if (key.startsWith(denied)) return error(403, "AccessDenied", "Access Denied", "");
        }
        byte[] data = bucket.objects().get(key);
        if (data == null) {
            return error(404, "NoSuchKey", "The specified key does not exist.", "<Key>" + xml(key) + "</Key>");
        }
        return aResponse().withStatus(200).withHeader("Content-Type", "binary/octet-stream")
                .withHeader("ETag", "\"" + etag(data) + "\"").withHeader("x-amz-request-id", requestId())
                .withHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC)
                        .format(lastModified))
                .withBody(data).build();
    }

    private ResponseDefinition list(String name, Bucket bucket, Map<String, String> q) {
        String prefix = q.getOrDefault("prefix", "");
        for (String denied : bucket.deniedPrefixes()) {
            if (prefix.startsWith(denied) || denied.startsWith(prefix)) {
                return error(403, "AccessDenied", "Access Denied", "");
            }
        }
        int max = Math.min(Math.min(1000, pageSize), q.containsKey("max-keys")
                ? Integer.parseInt(q.get("max-keys")) : 1000);
        String after = q.containsKey("continuation-token")
                ? new String(Base64.getDecoder().decode(q.get("continuation-token")), StandardCharsets.UTF_8) : null;
        boolean url = "url".equals(q.get("encoding-type"));
        List<Map.Entry<String, byte[]>> page = new ArrayList<>();
        boolean truncated = false;
        NavigableMap<String, byte[]> from = after == null ? bucket.objects() : bucket.objects().tailMap(after, false);
        for (var e : from.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                if (e.getKey().compareTo(prefix) > 0) break;
                continue;
            }
            if (page.size() == max) {
                truncated = true;
                break;
            }
            page.add(e);
        }
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"")
                .append(NS).append("\">");
        b.append("<Name>").append(xml(name)).append("</Name><Prefix>").append(xml(url ? enc(prefix) : prefix))
                .append("</Prefix>");
        if (q.containsKey("continuation-token")) {
            b.append("<ContinuationToken>").append(xml(q.get("continuation-token"))).append("</ContinuationToken>");
        }
        if (truncated) {
            String token = Base64.getEncoder().encodeToString(page.getLast().getKey().getBytes(StandardCharsets.UTF_8));
            b.append("<NextContinuationToken>").append(xml(token)).append("</NextContinuationToken>");
        }
        b.append("<KeyCount>").append(page.size()).append("</KeyCount><MaxKeys>").append(max).append("</MaxKeys>");
        if (url) b.append("<EncodingType>url</EncodingType>");
        b.append("<IsTruncated>").append(truncated).append("</IsTruncated>");
        for (var e : page) {
            b.append("<Contents><Key>").append(xml(url ? enc(e.getKey()) : e.getKey())).append("</Key><LastModified>")
                    .append(lastModified.toString().replace("Z", ".000Z")).append("</LastModified><ETag>&quot;")
                    .append(etag(e.getValue())).append("&quot;</ETag><Size>").append(e.getValue().length)
                    .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        b.append("</ListBucketResult>");
        return aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                .withHeader("x-amz-request-id", requestId()).withBody(b.toString()).build();
    }

    /** null when the request is signed right, else "Code|Message". */
    private String checkSignature(Request r, String rawPath, String rawQuery, Bucket bucket) {
        String auth = r.getHeader("Authorization");
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) return "AccessDenied|Access Denied";
        Map<String, String> f = new TreeMap<>();
        for (String part : auth.substring("AWS4-HMAC-SHA256 ".length()).split(",\\s*")) {
            int eq = part.indexOf('=');
            if (eq > 0) f.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        String[] scope = f.getOrDefault("Credential", "").split("/");
        if (scope.length != 5 || !scope[3].equals("s3") || !scope[4].equals("aws4_request")) {
            return "AuthorizationHeaderMalformed|The authorization header is malformed; the Credential is mal-formed;"
                    + " expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
        }
        String secret = secrets.get(scope[0]);
        if (secret == null) {
            return "InvalidAccessKeyId|The AWS Access Key Id you provided does not exist in our records.";
        }
        if (bucket != null && !bucket.region().equals(scope[2])) {
            return "AuthorizationHeaderMalformed|The authorization header is malformed; the region '" + scope[2]
                    + "' is wrong; expecting '" + bucket.region() + "'";
        }
        String amzDate = r.getHeader("X-Amz-Date");
        if (amzDate == null) return "AccessDenied|AWS authentication requires a valid Date or x-amz-date header";
        Instant signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        if (Duration.between(signedAt, clock.instant()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
            return "RequestTimeTooSkewed|The difference between the request time and the current time is too large.";
        }
        String payload = r.getHeader("x-amz-content-sha256");
        if (payload == null) return "InvalidRequest|Missing required header for this request: x-amz-content-sha256";
        String signedHeaders = f.getOrDefault("SignedHeaders", "");
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String h : signedHeaders.split(";")) {
            String v = r.getHeader(h);
            if (v == null) return "AccessDenied|signed header " + h + " missing";
            canonicalHeaders.append(h).append(':').append(v.strip().replaceAll("\\s+", " ")).append('\n');
        }
        String canonical = r.getMethod() + "\n" + canonicalUri(rawPath) + "\n" + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + payload;
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope[1] + "/" + scope[2] + "/s3/aws4_request\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[1]);
        k = hmac(k, scope[2]);
        k = hmac(k, "s3");
        k = hmac(k, "aws4_request");
        String expected = hex(hmac(k, toSign));
        if (!expected.equals(f.get("Signature"))) {
            return "SignatureDoesNotMatch|The request signature we calculated does not match the signature you"
                    + " provided. Check your key and signing method.";
        }
        return null;
    }

    private ResponseDefinition authFailure(String codeMessage, String bucketName, Bucket bucket) {
        String code = codeMessage.substring(0, codeMessage.indexOf('|'));
        String message = codeMessage.substring(codeMessage.indexOf('|') + 1);
        if (code.equals("AuthorizationHeaderMalformed") && bucket != null && message.contains("region")) {
            var b = errorBuilder(400, code, message, "<Region>" + bucket.region() + "</Region>");
            return b.withHeader("x-amz-bucket-region", bucket.region()).build();
        }
        return error(code.equals("InvalidRequest") || code.equals("AuthorizationHeaderMalformed") ? 400 : 403, code,
                message, "");
    }

    private static ResponseDefinition error(int status, String code, String message, String extra) {
        return errorBuilder(status, code, message, extra).build();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder errorBuilder(
            int status, String code, String message, String extra) {
        String id = requestId();
        return aResponse().withStatus(status).withHeader("Content-Type", "application/xml")
                .withHeader("x-amz-request-id", id)
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                        + xml(message) + "</Message>" + extra + "<RequestId>" + id + "</RequestId><HostId>"
                        + Base64.getEncoder().encodeToString(("host-" + id).getBytes(StandardCharsets.UTF_8))
                        + "</HostId></Error>");
    }

    /** S3: path segments are URI-encoded once (the path as sent, re-encoded strictly). */
    static String canonicalUri(String rawPath) {
        List<String> segs = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            segs.add(uriEncode(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8)));
        }
        return String.join("/", segs);
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery.isEmpty()) return "";
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String p : rawQuery.split("&")) {
            int eq = p.indexOf('=');
            String k = URLDecoder.decode((eq < 0 ? p : p.substring(0, eq)).replace("+", "%2B"), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            sorted.put(uriEncode(k), uriEncode(v));
        }
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(v));
        return b.toString();
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> q = new TreeMap<>();
        if (rawQuery.isEmpty()) return q;
        for (String p : rawQuery.split("&")) {
            int eq = p.indexOf('=');
            q.put(URLDecoder.decode((eq < 0 ? p : p.substring(0, eq)).replace("+", "%2B"), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return q;
    }

    static String uriEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** encoding-type=url: S3 URL-encodes keys in the answer (a space as '+'), slashes included. */
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String etag(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String requestId() {
        return HexFormat.of().withUpperCase().formatHex(java.util.UUID.randomUUID().toString().getBytes(),
                0, 8);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
