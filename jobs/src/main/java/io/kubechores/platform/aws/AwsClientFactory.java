package io.kubechores.platform.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.support.SupportClient;

import java.net.URI;
import java.time.Duration;

/**
 * Builds AWS SDK clients for one account and region: Service Quotas (regional), Support (the global endpoint
 * in us-east-1), STS, and EC2 DescribeInstanceTypes as a signed Query call ({@link Ec2InstanceTypes}); every client honours the endpoint override (tests, demo, VPC endpoints) and uses the account's
 * credentials: the base credentials, or a role assumed with STS AssumeRole when a role ARN pattern is configured
 * ({accountId} is replaced), with the account's ExternalId and the configured session length. Retries are the SDK's
 * standard strategy configured from the {@link AwsCallPolicy} (attempts, jittered exponential backoff); pacing is
 * {@link AwsCalls}'. Never logs credentials.
 */
public final class AwsClientFactory {
    /** The AWS Support API is a global service served from us-east-1. */
    public static final Region SUPPORT_REGION = Region.US_EAST_1;

    private final String endpointOverride;
    private final AwsCredentialsProvider baseCredentials;
    private final String roleArnPattern;
    private final String sessionName;
    private final java.util.Map<String, String> externalIds;
    private final int sessionSeconds;
    private final boolean readOnly;

    /**
     * @param access      endpoint override, base credentials (null = SDK default chain) and role pattern
     * @param sessionName role session name shown in CloudTrail, e.g. kubechores-quotas
     */
    public AwsClientFactory(AwsAccess access, String sessionName) {
        this(access, sessionName, AwsCallPolicy.defaults());
    }

    private final AwsCallPolicy policy;

    public AwsClientFactory(AwsAccess access, String sessionName, AwsCallPolicy policy) {
        this.policy = policy;
        this.endpointOverride = access == null ? null : blankToNull(access.endpointOverride());
        AwsCredentialsProvider base = access == null ? null : access.baseCredentials();
        this.baseCredentials = base != null ? base : DefaultCredentialsProvider.builder().build();
        this.roleArnPattern = access == null ? null : blankToNull(access.roleArnPattern());
        this.sessionName = sessionName;
        this.externalIds = access == null ? java.util.Map.of() : access.externalIds();
        this.sessionSeconds = access == null || access.sessionDuration() == null ? 3600
                : (int) access.sessionDuration().toSeconds();
        this.readOnly = access != null && access.readOnly();
    }

    /**
     * Operations a dry run may call: reads by the AWS naming convention (Get*, List*, Describe*; see "Actions" in each
     * service's API reference) and STS's AssumeRole / GetCallerIdentity, which change nothing in the account.
     */
    static boolean readOperation(String operation) {
        return operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Describe")
                || operation.equals("AssumeRole") || operation.equals("AssumeRoleWithWebIdentity");
    }

    /** Refuses non-read operations before they are signed and sent. */
    private static final software.amazon.awssdk.core.interceptor.ExecutionInterceptor READ_ONLY =
            new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                @Override
                public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                            software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                    String op = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
                    String service = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.SERVICE_NAME);
                    if (op == null || !readOperation(op)) {
                        throw new io.kubechores.platform.DryRunViolation("call AWS " + service + " " + op);
                    }
                }
            };

    /** The role assumed in accountId, or null when credentials are used directly. */
    public String roleArn(String accountId) {
        return roleArnPattern == null ? null : roleArnPattern.replace("{accountId}", accountId);
    }

    /** Clients for one account and region; close it to release connections. */
    public AccountClients forAccount(String accountId, String region) {
        Region r = Region.of(region);
        String role = roleArn(accountId);
        StsClient sts = null;
        AwsCredentialsProvider creds = baseCredentials;
        if (role != null) {
            sts = configure(StsClient.builder(), r, baseCredentials).build();
            StsClient stsClient = sts;
            creds = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(stsClient)
                    .refreshRequest(b -> b.roleArn(role).roleSessionName(sessionName)
                            .durationSeconds(sessionSeconds).externalId(externalIds.get(accountId)))
                    .build();
        }
        ServiceQuotasClient sq = configure(ServiceQuotasClient.builder(), r, creds).build();
        SupportClient support = configure(SupportClient.builder(), SUPPORT_REGION, creds).build();
        AwsCredentialsProvider c = creds;
        Lazy<Ec2InstanceTypes> ec2 = new Lazy<>(() -> new Ec2InstanceTypes(new SignedAwsCall("ec2",
                region, endpointOverride, c, policy.retryStrategy(), readOnly,
                UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30))
                        .connectionTimeout(Duration.ofSeconds(10)).build())));
        return new AccountClients(accountId, region, role, creds, sts, sq, support, ec2);
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region, AwsCredentialsProvider creds) {
        builder.region(region).credentialsProvider(creds)
                .overrideConfiguration(o -> {
                    o.retryStrategy(policy.retryStrategy()).apiCallAttemptTimeout(Duration.ofSeconds(30));
                    if (readOnly) o.addExecutionInterceptor(READ_ONLY);
                });
        if (endpointOverride != null) builder.endpointOverride(URI.create(endpointOverride));
        return builder;
    }

    /** A value built on first use, thread-safe. */
    public static final class Lazy<T> {
        private final java.util.function.Supplier<T> make;
        private T value;

        Lazy(java.util.function.Supplier<T> make) {
            this.make = make;
        }

        public synchronized T get() {
            if (value == null) value = make.get();
            return value;
        }

        synchronized void ifBuilt(java.util.function.Consumer<T> use) {
            if (value != null) use.accept(value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The clients of one account/region.
     *
     * @param roleArn the assumed role, null when base credentials are used
     */
    public record AccountClients(String accountId, String region, String roleArn, AwsCredentialsProvider credentials,
                                 StsClient sts, ServiceQuotasClient serviceQuotas, SupportClient support,
                                 Lazy<Ec2InstanceTypes> ec2Client) implements AutoCloseable {

        /** EC2 DescribeInstanceTypes, built on first use (only the instance-type lookup needs it). */
        public Ec2InstanceTypes ec2() {
            return ec2Client.get();
        }

        /** Resolves the credentials now (calls AssumeRole), so a denied role fails the account up front. */
        public void resolveCredentials() {
            credentials.resolveCredentials();
        }

        @Override
        public void close() {
            serviceQuotas.close();
            support.close();
            ec2Client.ifBuilt(Ec2InstanceTypes::close);
            if (credentials instanceof AutoCloseable c && sts != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a credentials provider releases a refresh thread only
                }
            }
            if (sts != null) sts.close();
        }
    }
}
