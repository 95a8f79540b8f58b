package io.kubechores.platform.aws;

import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * EKS bearer tokens, made the way {@code aws eks get-token} and aws-iam-authenticator make them
 * (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go, {@code GetWithSTS}): a SigV4-presigned STS
 * {@code GetCallerIdentity} GET whose signed headers include {@code x-k8s-aws-id: <cluster name>}, with
 * {@code X-Amz-Expires=60} (ignored by STS, kept for old authenticators), encoded as
 * {@code "k8s-aws-v1." + base64url-without-padding(url)}. STS accepts the URL for 15 minutes after its
 * {@code X-Amz-Date}; like the authenticator, a token is considered expired one minute before that.
 * The API server (not kubechores) calls STS with it, so nothing here does network I/O. Never log a token.
 */
public final class EksTokens {
    public static final String PREFIX = "k8s-aws-v1.";
    public static final String CLUSTER_ID_HEADER = "x-k8s-aws-id";
    /** aws-iam-authenticator's requestPresignParam. */
    static final Duration PRESIGN_EXPIRES = Duration.ofSeconds(60);
    /** aws-iam-authenticator's presignedURLExpiration. */
    public static final Duration VALIDITY = Duration.ofMinutes(15);
    /** The authenticator's own cushion: tokens are reported as expiring 1 minute before STS rejects them. */
    static final Duration CUSHION = Duration.ofMinutes(1);

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private EksTokens() {}

    /** A token and when to stop using it. toString never shows the token. */
    public record EksToken(String value, Instant expiresAt) {
        public boolean usableAt(Instant now) {
            return now.isBefore(expiresAt);
        }

        @Override
        public String toString() {
            return "EksToken[expiresAt=" + expiresAt + "]";
        }
    }

    /** The regional STS host the token is presigned for, e.g. sts.eu-central-1.amazonaws.com. */
    public static String stsHost(String region) {
        RegionMetadata md = Region.of(region).metadata();
        String suffix = md == null ? (region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com")
                : md.partition().dnsSuffix();
        return "sts." + region + "." + suffix;
    }

    /**
     * Presigns a token for one cluster.
     *
     * @param clusterName the EKS cluster's name (what the authenticator's server compares x-k8s-aws-id with)
     * @param region      the region whose STS endpoint signs (the cluster's region)
     * @param credentials the identity the API server maps (access entry / aws-auth)
     * @param clock       signing time
     */
    public static EksToken create(String clusterName, String region, AwsCredentialsIdentity credentials, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create("https://" + stsHost(region) + "/"))
                .putRawQueryParameter("Action", "GetCallerIdentity")
                .putRawQueryParameter("Version", "2011-06-15")
                .putHeader(CLUSTER_ID_HEADER, clusterName)
                .build();
        SignedRequest signed = SIGNER.sign(r -> r
                .request(request)
                .identity(credentials)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, PRESIGN_EXPIRES)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        String url = signed.request().getUri().toString();
        Instant signedAt = clock.instant();
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(url.getBytes(StandardCharsets.UTF_8));
        return new EksToken(token, signedAt.plus(VALIDITY).minus(CUSHION));
    }
}
