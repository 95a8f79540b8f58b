package io.kubechores.platform.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only Amazon S3: ListObjectsV2 and GetObject, nothing else (the certs job reads kops state stores with it).
 * <p>
 * Why not the SDK's S3 client: software.amazon.awssdk:s3 is 4.1 MB (+ aws-xml-protocol, arns, crt-core) in a
 * production jar that must shrink to 60 MB (issue 13), for two GET requests. The part worth not hand-writing, SigV4,
 * is the SDK's own signer ({@link AwsV4HttpSigner}, http-auth-aws, already here for EKS tokens); the HTTP is the JDK's
 * client and the XML the JDK's StAX reader (no DTDs, no external entities). If another job needs more of S3 (writes,
 * multipart), switch this class to the SDK module rather than growing it.
 * <p>
 * Wire protocol (Amazon S3 API Reference, API version 2006-03-01): {@code GET /?list-type=2&prefix=…&encoding-type=url
 * [&continuation-token=…]} answers {@code <ListBucketResult>} with {@code <Contents><Key>…</Key><Size>…</Size>
 * <LastModified>…</LastModified></Contents>}, {@code <IsTruncated>} and {@code <NextContinuationToken>} (at most 1,000
 * keys per page); keys come URL-encoded because {@code encoding-type=url} is asked for (as the SDKs do), so any key
 * survives XML. {@code GET /key} answers the bytes. Errors are an XML body {@code <Error><Code>NoSuchKey</Code>
 * <Message>…</Message>…</Error>} with a 3xx/4xx/5xx status ("REST error responses"); a bucket in another region
 * answers 301 PermanentRedirect (or 400 AuthorizationHeaderMalformed to a SigV4 request) with the
 * {@code x-amz-bucket-region} header, which is followed once. Signing: service {@code s3}, no double URL-encoding and
 * no path normalisation (SigV4: "each path segment must be URI-encoded twice, except for Amazon S3"),
 * {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} (GETs carry no body).
 * <p>
 * Addressing: virtual-hosted style {@code https://BUCKET.s3.REGION.amazonaws.com/KEY} on AWS for DNS-compatible
 * bucket names without dots, path style {@code https://s3.REGION.amazonaws.com/BUCKET/KEY} otherwise; with an endpoint
 * override (tests, MinIO, VPC endpoints) always path style {@code ENDPOINT/BUCKET/KEY}.
 * <p>
 * 500/502/503/504 and I/O errors are retried twice (200 ms, 400 ms). Never logs credentials or object contents.
 */
public final class S3Objects implements AutoCloseable {
    /** ListObjectsV2's page size is at most 1,000 keys. */
    public static final int MAX_KEYS = 1000;
    /** A list stops (with an error) after this many keys: a kops store holds tens of objects per cluster. */
    public static final int MAX_LISTED = 100_000;
    static final long MAX_LIST_PAGE_BYTES = 16L << 20;

    private final String endpointOverride;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final Clock clock;
    private final HttpClient http;
    private final Duration timeout;
    /** What {@link #from} opened to assume a role (closed with this), else empty. */
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** An S3 answer that is not a success: HTTP status, S3's error code and message (never the body otherwise). */
    public static final class S3Exception extends RuntimeException {
        private final int status;
        private final String code;

        public S3Exception(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /** An object in a listing. */
    public record ObjectInfo(String key, long size, Instant lastModified) {}

    /** {@code s3://bucket/some/prefix} → bucket and prefix ("" or ending without a slash). */
    public record Location(String bucket, String prefix) {
        public static Location parse(String url) {
            if (url == null || !url.startsWith("s3://")) {
                throw new IllegalArgumentException("not an s3:// URL: " + url);
            }
            String rest = url.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("not an S3 bucket name: " + bucket);
            }
            return new Location(bucket, prefix);
        }

        /** prefix + "/" + path (no leading slash when the prefix is empty). */
        public String key(String path) {
            return prefix.isEmpty() ? path : prefix + "/" + path;
        }
    }

    /**
     * @param endpointOverride e.g. http://127.0.0.1:8089 (path style), null for AWS
     * @param credentials      who signs
     * @param region           the bucket's region (a redirect to another region is followed once)
     */
    public S3Objects(String endpointOverride, AwsCredentialsProvider credentials, String region, Clock clock,
                     Duration timeout) {
        this.endpointOverride = endpointOverride == null || endpointOverride.isBlank() ? null
                : endpointOverride.replaceAll("/+$", "");
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
        this.timeout = timeout;
        // HTTP/1.1: S3's REST endpoints speak it (no h2c upgrade attempt, the Host header is what was signed)
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * From the fleet's AWS access (endpoint override, base credentials); with roleArn, that role assumed with STS
     * AssumeRole from the base credentials first (e.g. a state-store bucket in a management account). Requests are
     * signed with the system clock, never a run's planning clock ({@code --at}): S3 refuses a signature more than
     * 15 minutes off (RequestTimeTooSkewed).
     */
    public static S3Objects from(AwsAccess access, String region, String roleArn) {
        Clock clock = Clock.systemUTC();
        String endpoint = access == null ? null : access.endpointOverride();
        AwsCredentialsProvider base = access == null || access.baseCredentials() == null
                ? DefaultCredentialsProvider.builder().build() : access.baseCredentials();
        AwsCredentialsProvider creds = base;
        if (roleArn != null && !roleArn.isBlank()) {
            var sts = StsClient.builder().region(Region.of(region)).credentialsProvider(base)
                    .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(20)));
            if (endpoint != null && !endpoint.isBlank()) sts.endpointOverride(URI.create(endpoint));
            StsClient client = sts.build();
            var provider = StsAssumeRoleCredentialsProvider.builder().stsClient(client)
                    .refreshRequest(b -> b.roleArn(roleArn).roleSessionName("kubechores-certs").durationSeconds(900))
                    .build();
            S3Objects s3 = new S3Objects(endpoint, provider, region, clock, Duration.ofSeconds(20));
            s3.owned.add(provider);
            s3.owned.add(client);
            return s3;
        }
        return new S3Objects(endpoint, creds, region, clock, Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception ignored) {
                // releasing connections / a refresh thread only
            }
        }
        http.close();
    }

    /** Every object whose key starts with prefix (all pages of ListObjectsV2). */
    public List<ObjectInfo> list(String bucket, String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("list-type", "2");
            if (token != null) q.put("continuation-token", token);
            q.put("encoding-type", "url");
            q.put("max-keys", String.valueOf(MAX_KEYS));
            q.put("prefix", prefix);
            byte[] body = send(bucket, "", q, MAX_LIST_PAGE_BYTES, false, "ListObjectsV2 " + where(bucket, prefix))
                    .orElseThrow();
            token = parseList(body, out);
            if (out.size() > MAX_LISTED) {
                throw new S3Exception(200, "TooManyKeys", "more than " + MAX_LISTED + " objects under s3://" + bucket
                        + "/" + prefix);
            }
        } while (token != null);
        return out;
    }

    /** The object's bytes; empty when S3 says NoSuchKey (404). Larger than maxBytes fails without reading on. */
    public Optional<byte[]> get(String bucket, String key, long maxBytes) {
        return send(bucket, key, Map.of(), maxBytes, true, "GetObject " + where(bucket, key));
    }

    private Optional<byte[]> send(String bucket, String key, Map<String, String> query, long maxBytes,
                                  boolean missingIsEmpty, String what) {
        String r = region;
        for (int attempt = 0; ; attempt++) {
            HttpResponse<InputStream> resp;
            try {
                resp = http.send(request(bucket, key, query, r), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (attempt < 2) {
                    backoff(attempt);
                    continue;
                }
                throw new S3Exception(0, "ConnectionFailed", "S3 " + what + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new S3Exception(0, "Interrupted", "S3 " + where(bucket, key) + ": interrupted");
            }
            int status = resp.statusCode();
            byte[] body;
            try (InputStream in = resp.body()) {
                body = readCapped(in, status / 100 == 2 ? maxBytes : 64 * 1024);
            } catch (IOException e) {
                throw new S3Exception(status, "ReadFailed", "S3 " + what + ": " + e.getMessage());
            }
            if (body == null) {
                throw new S3Exception(status, "TooLarge", "S3 " + where(bucket, key) + ": larger than " + maxBytes
                        + " bytes");
            }
            if (status / 100 == 2) return Optional.of(body);
            String[] err = parseError(body);
            String bucketRegion = resp.headers().firstValue("x-amz-bucket-region").orElse(null);
            if ((status == 301 || status == 400 || status == 307) && bucketRegion != null && !bucketRegion.equals(r)
                    && attempt == 0) {
                r = bucketRegion; // the bucket lives elsewhere: sign for its region and ask again, once
                continue;
            }
            if (status >= 500 && attempt < 2) {
                backoff(attempt);
                continue;
            }
            if (status == 404 && "NoSuchKey".equals(err[0]) && missingIsEmpty) return Optional.empty();
            throw new S3Exception(status, err[0], "S3 " + what + ": " + status + " " + err[0]
                    + (err[1] == null ? "" : ": " + err[1]));
        }
    }

    private static String where(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(200L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    HttpRequest request(String bucket, String key, Map<String, String> query, String signingRegion) {
        String base;
        String path;
        if (endpointOverride != null) {
            base = endpointOverride;
            path = "/" + bucket + (key.isEmpty() ? "" : "/" + encodePath(key));
        } else if (bucket.matches("[a-z0-9][a-z0-9-]*[a-z0-9]")) {
            base = "https://" + bucket + ".s3." + signingRegion + "." + dnsSuffix(signingRegion);
            path = "/" + encodePath(key);
        } else {
            base = "https://s3." + signingRegion + "." + dnsSuffix(signingRegion);
            path = "/" + bucket + (key.isEmpty() ? "" : "/" + encodePath(key));
        }
        StringBuilder qs = new StringBuilder();
        for (var e : query.entrySet()) {
            qs.append(qs.isEmpty() ? "?" : "&").append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        URI uri = URI.create(base + path + qs);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(uri).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(s -> s.request(unsigned)
                .identity(credentials.resolveCredentials())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        HttpRequest.Builder b = HttpRequest.newBuilder(signed.request().getUri()).GET().timeout(timeout);
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) values.forEach(v -> b.header(name, v));
        });
        return b.build();
    }

    static String dnsSuffix(String region) {
        RegionMetadata md = Region.of(region).metadata();
        return md == null ? (region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com")
                : md.partition().dnsSuffix();
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters (SigV4's UriEncode). */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static String encodePath(String key) {
        return String.join("/", java.util.Arrays.stream(key.split("/", -1)).map(S3Objects::encode).toList());
    }

    /** Reads at most max bytes; null when there are more. */
    static byte[] readCapped(InputStream in, long max) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return data.length > max ? null : data;
    }

    private static XMLStreamReader xml(byte[] body) throws XMLStreamException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return f.createXMLStreamReader(new ByteArrayInputStream(body));
    }

    /** Adds the page's objects to out; returns the next continuation token, or null on the last page. */
    static String parseList(byte[] body, List<ObjectInfo> all) {
        List<ObjectInfo> out = new ArrayList<>();
        boolean truncated = false;
        String next = null;
        boolean urlEncoded = false;
        try {
            XMLStreamReader r = xml(body);
            String key = null;
            long size = 0;
            Instant modified = null;
            int depth = 0;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String n = r.getLocalName();
                    if (depth == 1 && !n.equals("ListBucketResult")) {
                        throw new S3Exception(200, "MalformedXML", "S3 answered " + n + ", not ListBucketResult");
                    }
                    if (depth == 2 && n.equals("Contents")) {
                        key = null;
                        size = 0;
                        modified = null;
                    } else if (depth == 2 && n.equals("IsTruncated")) {
                        truncated = Boolean.parseBoolean(r.getElementText().strip());
                        depth--;
                    } else if (depth == 2 && n.equals("NextContinuationToken")) {
                        next = r.getElementText().strip();
                        depth--;
                    } else if (depth == 2 && n.equals("EncodingType")) {
                        urlEncoded = "url".equals(r.getElementText().strip());
                        depth--;
                    } else if (depth == 3 && n.equals("Key")) {
                        key = r.getElementText();
                        depth--;
                    } else if (depth == 3 && n.equals("Size")) {
                        size = Long.parseLong(r.getElementText().strip());
                        depth--;
                    } else if (depth == 3 && n.equals("LastModified")) {
                        modified = Instant.parse(r.getElementText().strip());
                        depth--;
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    if (depth == 2 && r.getLocalName().equals("Contents") && key != null) {
                        out.add(new ObjectInfo(key, size, modified));
                    }
                    depth--;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof S3Exception s) throw s;
            throw new S3Exception(200, "MalformedXML", "unreadable ListObjectsV2 answer: " + e.getMessage());
        }
        if (urlEncoded) {
            // keys were asked for (and answered) URL-encoded: decode them (a '+' is a space, as S3 encodes it)
            out.replaceAll(o -> new ObjectInfo(URLDecoder.decode(o.key(), StandardCharsets.UTF_8), o.size(),
                    o.lastModified()));
        }
        all.addAll(out);
        if (truncated && (next == null || next.isEmpty())) {
            throw new S3Exception(200, "MalformedXML", "truncated ListObjectsV2 answer without NextContinuationToken");
        }
        return truncated ? next : null;
    }

    /** {code, message} of an S3 error body ("Unknown", null when it has none). */
    static String[] parseError(byte[] body) {
        String code = null;
        String message = null;
        try {
            XMLStreamReader r = xml(body);
            while (r.hasNext()) {
                if (r.next() != XMLStreamConstants.START_ELEMENT) continue;
                if (r.getLocalName().equals("Code")) code = r.getElementText().strip();
                else if (r.getLocalName().equals("Message")) message = r.getElementText().strip();
            }
        } catch (XMLStreamException | RuntimeException e) {
            // a proxy's HTML page, an empty HEAD-like answer: the status says enough
        }
        if (message != null && message.length() > 300) message = message.substring(0, 300) + "…";
        return new String[]{code == null ? "Unknown" : code, message};
    }
}
