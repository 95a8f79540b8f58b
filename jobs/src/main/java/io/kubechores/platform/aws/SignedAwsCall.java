package io.kubechores.platform.aws;

import io.kubechores.platform.DryRunViolation;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One AWS API call without a generated SDK client, for services where kubechores calls a single read action (EC2
 * DescribeInstanceTypes: the SDK's {@code ec2} module is 23 MB; EKS DescribeCluster: {@code eks} is 2.5 MB): signed
 * with the SDK's own SigV4 signer ({@link AwsV4HttpSigner}, http-auth-aws), sent over an SDK {@link SdkHttpClient},
 * retried by the SDK's own {@link RetryStrategy} (AWS's throttling codes such as EC2's RequestLimitExceeded, 5xx and
 * I/O errors; the strategy's retry quota too). Two protocols: Query ({@link #query}: form-encoded
 * {@code Action=...&Version=...} POSTed to the regional endpoint, XML back) and REST-JSON GETs ({@link #restGet}).
 * Errors come back as {@link AwsServiceException} with the service's error code, message and request id, so callers
 * handle them exactly like an SDK client's. Dry runs: a non-read action is refused before it is signed
 * ({@link DryRunViolation}), like the SDK clients' read-only interceptor. Thread-safe; never logs credentials.
 */
public final class SignedAwsCall implements AutoCloseable {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final String service;
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final RetryStrategy retries;
    private final boolean readOnly;
    private final SdkHttpClient http;

    /**
     * @param service          signing name and endpoint prefix, e.g. ec2
     * @param endpointOverride null for https://SERVICE.REGION.DNS-SUFFIX/
     * @param http             closed with this object
     */
    public SignedAwsCall(String service, String region, String endpointOverride, AwsCredentialsProvider credentials,
                         RetryStrategy retries, boolean readOnly, SdkHttpClient http) {
        this.service = service;
        this.region = region;
        this.endpoint = endpointOverride != null && !endpointOverride.isBlank() ? URI.create(endpointOverride)
                : URI.create("https://" + host(service, region) + "/");
        this.credentials = credentials;
        this.retries = retries;
        this.readOnly = readOnly;
        this.http = http;
    }

    /** The regional host, e.g. ec2.eu-central-1.amazonaws.com (ec2.cn-north-1.amazonaws.com.cn in China). */
    public static String host(String service, String region) {
        RegionMetadata md = Region.of(region).metadata();
        String suffix = md == null ? (region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com")
                : md.partition().dnsSuffix();
        return service + "." + region + "." + suffix;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The form body of an action: Action, Version, then the parameters in order, RFC 3986-encoded as the SDK does. */
    static String body(String action, String version, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Action", action);
        all.put("Version", version);
        all.putAll(params);
        StringJoiner out = new StringJoiner("&");
        all.forEach((k, v) -> {
            if (v != null) out.add(SdkHttpUtils.urlEncode(k) + "=" + SdkHttpUtils.urlEncode(v));
        });
        return out.toString();
    }

    /**
     * A Query action with params (null values left out) under API version; returns the 2xx response's XML body;
     * retries as the strategy decides and throws the last failure (AwsServiceException for an answer,
     * SdkClientException for I/O).
     */
    public byte[] query(String action, String version, Map<String, String> params) {
        refuseInDryRun(action);
        byte[] body = body(action, version, params).getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        return withRetries(action, () -> attempt(action, request, body, false));
    }

    /**
     * A REST-JSON read: GET path (already encoded, e.g. /clusters/prod-1) on the service endpoint; returns the 2xx
     * response's JSON body. Errors: the type from the x-amzn-ErrorType header (the part before ':') or the body's
     * __type/code, the body's message (EKS API reference, "Errors"; the SDK's REST-JSON error unmarshalling).
     */
    public byte[] restGet(String operation, String path) {
        refuseInDryRun(operation);
        String base = endpoint.toString().endsWith("/") ? endpoint.toString().substring(0, endpoint.toString().length() - 1)
                : endpoint.toString();
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create(base + path))
                .putHeader("Accept", "application/json")
                .build();
        return withRetries(operation, () -> attempt(operation, request, null, true));
    }

    private void refuseInDryRun(String action) {
        if (readOnly && !AwsClientFactory.readOperation(action)) {
            throw new DryRunViolation("call AWS " + service + " " + action);
        }
    }

    private byte[] withRetries(String action, java.util.function.Supplier<byte[]> attempt) {
        AcquireInitialTokenResponse first = retries.acquireInitialToken(
                software.amazon.awssdk.retries.api.AcquireInitialTokenRequest.create(service + ":" + action));
        RetryToken token = first.token();
        sleep(first.delay());
        while (true) {
            try {
                byte[] out = attempt.get();
                retries.recordSuccess(RecordSuccessRequest.create(token));
                return out;
            } catch (SdkException e) {
                RefreshRetryTokenResponse next;
                try {
                    next = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(e).build());
                } catch (TokenAcquisitionFailedException noMore) {
                    throw e;
                }
                token = next.token();
                sleep(next.delay());
            }
        }
    }

    private byte[] attempt(String action, SdkHttpRequest request, byte[] body, boolean json) {
        SignedRequest signed;
        try {
            signed = SIGNER.sign(r -> r
                    .request(request)
                    .payload(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
                    .identity(credentials.resolveCredentials())
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        } catch (RuntimeException e) {
            if (e instanceof SdkException) throw e;
            throw SdkClientException.create("cannot sign " + service + " " + action + ": " + e.getMessage(), e);
        }
        HttpExecuteResponse response;
        byte[] bytes;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            bytes = response.responseBody().isEmpty() ? new byte[0] : readAll(response.responseBody().get());
        } catch (IOException | UncheckedIOException e) {
            throw SdkClientException.create("Unable to execute HTTP request " + service + " " + action + ": "
                    + e.getMessage(), e);
        }
        int status = response.httpResponse().statusCode();
        if (status / 100 == 2) return bytes;
        throw error(status, json ? parseJsonError(response.httpResponse().firstMatchingHeader("x-amzn-ErrorType")
                .orElse(null), bytes) : parseError(bytes), response);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /**
     * An error answer as AwsServiceException: the Query protocol's {@code <Response><Errors><Error><Code/><Message/>
     * </Error></Errors><RequestID/></Response>} (EC2 API reference, "Error codes for the Amazon EC2 API", example
     * error response), or the {@code <ErrorResponse><Error>...</Error><RequestId/></ErrorResponse>} of other Query
     * services; a body that is neither (a proxy's HTML) keeps the status only.
     */
    private AwsServiceException error(int status, QueryError parsed, HttpExecuteResponse response) {
        QueryError e = parsed.requestId() != null ? parsed : new QueryError(parsed.code(), parsed.message(),
                response.httpResponse().firstMatchingHeader("x-amzn-RequestId").orElse(null));
        String message = e.message() != null ? e.message() : "HTTP " + status;
        return AwsServiceException.builder()
                .message(message + " (Service: " + service + ", Status Code: " + status
                        + (e.requestId() == null ? "" : ", Request ID: " + e.requestId()) + ")")
                .statusCode(status)
                .requestId(e.requestId())
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(e.code()).errorMessage(message)
                        .serviceName(service).sdkHttpResponse(response.httpResponse()).build())
                .build();
    }

    /** Code, Message and RequestID (RequestId) of an error answer; nulls when absent or unreadable. */
    record QueryError(String code, String message, String requestId) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A REST-JSON error: type from x-amzn-ErrorType ("Type:namespace") or the body's __type/code; message/Message. */
    static QueryError parseJsonError(String errorTypeHeader, byte[] body) {
        String code = null;
        String message = null;
        if (errorTypeHeader != null && !errorTypeHeader.isBlank()) {
            int colon = errorTypeHeader.indexOf(':');
            code = (colon < 0 ? errorTypeHeader : errorTypeHeader.substring(0, colon)).strip();
        }
        if (body.length > 0 && body.length <= MAX_ERROR_BODY) {
            try {
                com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(body);
                if (n != null && n.isObject()) {
                    if (code == null) {
                        String t = n.hasNonNull("__type") ? n.get("__type").asText()
                                : n.hasNonNull("code") ? n.get("code").asText() : null;
                        if (t != null) code = t.substring(t.lastIndexOf('#') + 1);
                    }
                    message = n.hasNonNull("message") ? n.get("message").asText()
                            : n.hasNonNull("Message") ? n.get("Message").asText() : null;
                }
            } catch (IOException notJson) {
                // keep what the header said
            }
        }
        return new QueryError(code, message, null);
    }

    static QueryError parseError(byte[] body) {
        String code = null;
        String message = null;
        String requestId = null;
        if (body.length == 0 || body.length > MAX_ERROR_BODY) return new QueryError(null, null, null);
        try {
            XMLStreamReader r = xml(body);
            StringBuilder text = new StringBuilder();
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    text.setLength(0);
                } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
                    text.append(r.getText());
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    String name = r.getLocalName();
                    String value = text.toString().strip();
                    if (name.equals("Code") && code == null) code = value;
                    else if (name.equals("Message") && message == null) message = value;
                    else if (name.equalsIgnoreCase("RequestID")) requestId = value;
                    text.setLength(0);
                }
            }
        } catch (XMLStreamException notXml) {
            return new QueryError(null, null, null);
        }
        return new QueryError(code, message, requestId);
    }

    /** A StAX reader with DTDs and external entities off (answers come from the network). */
    static XMLStreamReader xml(byte[] body) throws XMLStreamException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f.createXMLStreamReader(new ByteArrayInputStream(body));
    }

    private static void sleep(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while backing off", ie);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * For StAX readers of Query-protocol answers: whether the element path is root/names... (the root element's
     * name is checked on entry). Nested sets reuse {@code <item>}, so answers are read by full path.
     */
    static boolean at(java.util.List<String> path, String... names) {
        if (path.size() != names.length + 1) return false;
        for (int i = 0; i < names.length; i++) {
            if (!path.get(i + 1).equals(names[i])) return false;
        }
        return true;
    }
}
