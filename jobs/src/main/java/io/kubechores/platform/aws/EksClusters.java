package io.kubechores.platform.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The EKS side of reaching a `connection.eks` cluster: its API endpoint and CA from EKS DescribeCluster
 * (GET /clusters/{name}; response cluster.endpoint, cluster.certificateAuthority.data; sent as a signed REST-JSON call
 * by {@link SignedAwsCall}, not the SDK's 2.5 MB eks module, for this one read), and the identity its bearer
 * tokens are signed with: the base credentials (SDK default chain: env, IRSA web identity, EKS Pod Identity, instance
 * profile) or, when the cluster names a roleArn, that role assumed with STS AssumeRole (refreshed by the SDK before
 * it expires). Clients are cached per region and role; the endpoint override (tests, VPC endpoints) applies to EKS
 * and STS. Never logs credentials or tokens.
 */
public final class EksClusters implements AutoCloseable {
    private final String endpointOverride;
    private final AwsCredentialsProvider baseCredentials;
    private final String sessionName;
    private final Map<String, StsClient> sts = new ConcurrentHashMap<>();
    private final Map<String, AwsCredentialsProvider> roles = new ConcurrentHashMap<>();
    private final Map<String, SignedAwsCall> eks = new ConcurrentHashMap<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * @param endpointOverride e.g. http://127.0.0.1:8089 for every AWS service, null for AWS's regional endpoints
     * @param baseCredentials  null = the SDK default chain
     * @param sessionName      role session name shown in CloudTrail
     */
    public EksClusters(String endpointOverride, AwsCredentialsProvider baseCredentials, String sessionName) {
        this.endpointOverride = endpointOverride == null || endpointOverride.isBlank() ? null : endpointOverride;
        this.baseCredentials = baseCredentials != null ? baseCredentials : DefaultCredentialsProvider.builder().build();
        this.sessionName = sessionName;
    }

    /** From the fleet's AWS access settings (same endpoint override and base credentials as the quotas job). */
    public static EksClusters from(AwsAccess access) {
        return new EksClusters(access == null ? null : access.endpointOverride(),
                access == null ? null : access.baseCredentials(), "kubechores");
    }

    /** What DescribeCluster says about how to reach the API server. caData is the base64 PEM bundle EKS returns. */
    public record ApiEndpoint(String url, String caData, String status) {}

    /** Thrown with a message that says what AWS answered; the caller adds the cluster file and field. */
    public static final class EksLookupException extends RuntimeException {
        public EksLookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** DescribeCluster, with the cluster's credentials (the role when given: it is what the access entry maps). */
    public ApiEndpoint describe(String name, String region, String roleArn) {
        if (roleArn != null && !roleArn.isBlank()) assumeRole(region, roleArn);
        try {
            ApiEndpoint c = cluster(eksClient(region, roleArn).restGet("DescribeCluster",
                    "/clusters/" + SdkHttpUtils.urlEncode(name)));
            if (c.url() == null || c.url().isBlank()) {
                throw new EksLookupException("EKS cluster " + name + " in " + region + " has no API endpoint yet (status "
                        + c.status() + ")", null);
            }
            return c;
        } catch (AwsServiceException e) {
            if ("ResourceNotFoundException".equals(AwsCalls.code(e))) {
                throw new EksLookupException("EKS has no cluster named " + name + " in " + region + " (as "
                        + who(roleArn) + "): " + awsMessage(e), e);
            }
            throw new EksLookupException("EKS DescribeCluster " + name + " in " + region + " failed (as " + who(roleArn)
                    + "): " + e.awsErrorDetails().errorCode() + ": " + awsMessage(e), e);
        } catch (SdkClientException e) {
            throw new EksLookupException("EKS DescribeCluster " + name + " in " + region + " failed: " + e.getMessage(), e);
        }
    }

    /** Resolves the role's credentials now: a role that cannot be assumed fails with what STS said. */
    public void assumeRole(String region, String roleArn) {
        try {
            credentials(region, roleArn).resolveCredentials();
        } catch (AwsServiceException e) {
            throw new EksLookupException("STS AssumeRole " + roleArn + " failed: "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ") + awsMessage(e), e);
        } catch (SdkClientException e) {
            throw new EksLookupException("STS AssumeRole " + roleArn + " failed: " + e.getMessage(), e);
        }
    }

    /** The credentials tokens for this cluster are signed with. */
    public AwsCredentialsProvider credentials(String region, String roleArn) {
        if (roleArn == null || roleArn.isBlank()) return baseCredentials;
        return roles.computeIfAbsent(region + "|" + roleArn, k -> StsAssumeRoleCredentialsProvider.builder()
                .stsClient(stsClient(region))
                .refreshRequest(b -> b.roleArn(roleArn).roleSessionName(sessionName).durationSeconds(3600))
                // the SDK refreshes ahead of expiry; tokens are re-signed from whatever it holds
                .build());
    }

    /** A fresh token for the cluster (no network call except AssumeRole/credential refresh when due). */
    public EksTokens.EksToken token(String name, String region, String roleArn, Clock clock) {
        return EksTokens.create(name, region, credentials(region, roleArn).resolveCredentials(), clock);
    }

    /** STS GetCallerIdentity with the cluster's credentials: the ARN the API server will see (doctor's whoami). */
    public GetCallerIdentityResponse callerIdentity(String region, String roleArn) {
        StsClient client = stsClient(region);
        if (roleArn == null || roleArn.isBlank()) {
            return client.getCallerIdentity(r -> r.overrideConfiguration(o -> o.credentialsProvider(baseCredentials)));
        }
        AwsCredentialsProvider creds = credentials(region, roleArn);
        return client.getCallerIdentity(r -> r.overrideConfiguration(o -> o.credentialsProvider(creds)));
    }

    /**
     * The fields of DescribeCluster's answer that matter here (EKS API reference, DescribeCluster / Cluster:
     * {"cluster": {"endpoint", "status", "certificateAuthority": {"data"}, ...}}).
     */
    static ApiEndpoint cluster(byte[] json) {
        try {
            com.fasterxml.jackson.databind.JsonNode c = JSON.readTree(json).path("cluster");
            return new ApiEndpoint(text(c.path("endpoint")), text(c.path("certificateAuthority").path("data")),
                    text(c.path("status")));
        } catch (java.io.IOException e) {
            throw SdkClientException.create("EKS DescribeCluster answered no JSON: " + e.getMessage(), e);
        }
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    private SignedAwsCall eksClient(String region, String roleArn) {
        String key = region + "|" + (roleArn == null ? "" : roleArn);
        return eks.computeIfAbsent(key, k -> new SignedAwsCall("eks", region, endpointOverride,
                credentials(region, roleArn), AwsRetryStrategy.standardRetryStrategy(), false,
                UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(20))
                        .connectionTimeout(Duration.ofSeconds(10)).build()));
    }

    private StsClient stsClient(String region) {
        return sts.computeIfAbsent(region, r -> {
            var b = StsClient.builder().region(Region.of(r)).credentialsProvider(baseCredentials)
                    .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(20)));
            if (endpointOverride != null) b.endpointOverride(URI.create(endpointOverride));
            return b.build();
        });
    }

    private static String who(String roleArn) {
        return roleArn == null || roleArn.isBlank() ? "the default credentials" : roleArn;
    }

    private static String awsMessage(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.addAll(eks.values());
        roles.values().forEach(p -> {
            if (p instanceof AutoCloseable c) all.add(c);
        });
        all.addAll(sts.values());
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // releasing connections / refresh threads only
            }
        }
        eks.clear();
        roles.clear();
        sts.clear();
    }
}
