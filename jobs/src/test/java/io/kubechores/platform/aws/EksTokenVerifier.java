package io.kubechores.platform.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentials;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the EKS side does with a bearer token, for tests: the format checks of aws-iam-authenticator's server
 * (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go, {@code tokenVerifier.Verify}: prefix "k8s-aws-v1.",
 * base64url without padding, https, host sts[.region].amazonaws.com, path "/", only whitelisted query parameters,
 * Action=GetCallerIdentity, x-k8s-aws-id among X-Amz-SignedHeaders, 0 <= X-Amz-Expires <= 900, X-Amz-Date at most
 * 15 minutes old), then what STS would do with the URL: recompute the SigV4 signature with the secret key of the
 * access key id, for the cluster name the API server expects, and compare. Returns the access key id.
 */
public final class EksTokenVerifier {
    /** The query parameters the authenticator accepts (parameterWhitelist). */
    static final Set<String> WHITELIST = Set.of("action", "version", "x-amz-algorithm", "x-amz-credential",
            "x-amz-date", "x-amz-expires", "x-amz-security-token", "x-amz-signature", "x-amz-signedheaders");
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final String clusterId;
    private final Function<String, AwsCredentials> secretsByAccessKey;
    private final Clock clock;

    public EksTokenVerifier(String clusterId, Function<String, AwsCredentials> secretsByAccessKey, Clock clock) {
        this.clusterId = clusterId;
        this.secretsByAccessKey = secretsByAccessKey;
        this.clock = clock;
    }

    public static final class Rejected extends RuntimeException {
        Rejected(String m) {
            super(m);
        }
    }

    /** The presigned URL inside a token (format checks only). */
    public static URI decode(String token) {
        if (token == null || !token.startsWith(EksTokens.PREFIX)) throw new Rejected("token is missing expected \"k8s-aws-v1.\" prefix");
        String b64 = token.substring(EksTokens.PREFIX.length());
        if (b64.contains("=") || b64.contains("+") || b64.contains("/")) throw new Rejected("not base64url without padding");
        return URI.create(new String(Base64.getUrlDecoder().decode(b64), StandardCharsets.UTF_8));
    }

    public static Map<String, String> query(URI url) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String kv : url.getRawQuery().split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            if (q.put(k, v) != null) throw new Rejected("duplicate query parameter " + k);
        }
        return q;
    }

    /** Verifies like the authenticator + STS; returns the access key id the token was signed with. */
    public String verify(String token) {
        URI url = decode(token);
        if (!"https".equals(url.getScheme())) throw new Rejected("unexpected scheme " + url.getScheme());
        String host = url.getHost();
        if (!host.matches("sts(\\.[a-z0-9-]+)?\\.amazonaws\\.com(\\.cn)?")) throw new Rejected("unexpected hostname " + host);
        if (!"/".equals(url.getPath())) throw new Rejected("unexpected path in pre-signed URL");
        Map<String, String> q = query(url);
        Map<String, String> lower = new LinkedHashMap<>();
        q.forEach((k, v) -> {
            if (!WHITELIST.contains(k.toLowerCase())) throw new Rejected("non-whitelisted query parameter " + k);
            lower.put(k.toLowerCase(), v);
        });
        if (!"GetCallerIdentity".equals(lower.get("action"))) throw new Rejected("unexpected action parameter");
        if (!Set.of(lower.getOrDefault("x-amz-signedheaders", "").split(";")).contains(EksTokens.CLUSTER_ID_HEADER)) {
            throw new Rejected("client did not sign the x-k8s-aws-id header in the pre-signed URL");
        }
        int expires = Integer.parseInt(lower.getOrDefault("x-amz-expires", "-1"));
        if (expires < 0 || expires > 900) throw new Rejected("invalid X-Amz-Expires parameter " + expires);
        Instant date = LocalDateTime.parse(lower.get("x-amz-date"), AMZ_DATE).toInstant(ZoneOffset.UTC);
        if (clock.instant().isAfter(date.plus(Duration.ofMinutes(15)))) throw new Rejected("X-Amz-Date parameter is expired");
        String accessKey = lower.get("x-amz-credential").split("/")[0];
        String region = lower.get("x-amz-credential").split("/")[2];
        AwsCredentials creds = secretsByAccessKey.apply(accessKey);
        if (creds == null) throw new Rejected("InvalidClientTokenId: unknown access key");
        // STS: the signature must be the SigV4 signature these credentials make for this cluster name at that time
        // (AWS SigV4 docs, "Create a signed AWS API request" / query-string authentication; computed here from the
        // spec, not with the SDK). Presigned URLs are seen with either payload hash: botocore's SigV4QueryAuth
        // (aws eks get-token) uses UNSIGNED-PAYLOAD, the Go SDK (aws-iam-authenticator) the empty body's SHA-256.
        String given = q.get("X-Amz-Signature");
        for (String payload : new String[] {EMPTY_SHA256, "UNSIGNED-PAYLOAD"}) {
            if (sigV4(q, host, creds, region, payload).equals(given)) return accessKey;
        }
        throw new Rejected("SignatureDoesNotMatch (signed for another cluster name or secret)");
    }

    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private String sigV4(Map<String, String> q, String host, AwsCredentials creds, String region, String payload) {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        q.forEach((k, v) -> {
            if (!k.equals("X-Amz-Signature")) sorted.put(uriEncode(k), uriEncode(v));
        });
        StringBuilder cq = new StringBuilder();
        sorted.forEach((k, v) -> cq.append(cq.isEmpty() ? "" : "&").append(k).append('=').append(v));
        String signedHeaders = q.get("X-Amz-SignedHeaders");
        StringBuilder ch = new StringBuilder();
        for (String h : signedHeaders.split(";")) {
            String value = switch (h) {
                case "host" -> host;
                case EksTokens.CLUSTER_ID_HEADER -> clusterId;
                default -> throw new Rejected("unexpected signed header " + h);
            };
            ch.append(h).append(':').append(value.strip()).append('\n');
        }
        String canonical = "GET\n/\n" + cq + "\n" + ch + "\n" + signedHeaders + "\n" + payload;
        String amzDate = q.get("X-Amz-Date");
        String scope = amzDate.substring(0, 8) + "/" + region + "/sts/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical));
        byte[] k = hmac(("AWS4" + creds.secretAccessKey()).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        k = hmac(k, region);
        k = hmac(k, "sts");
        k = hmac(k, "aws4_request");
        return hex(hmac(k, toSign));
    }

    private static String uriEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') b.append((char) c);
            else b.append('%').append(String.format("%02X", c & 0xff));
        }
        return b.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

}
