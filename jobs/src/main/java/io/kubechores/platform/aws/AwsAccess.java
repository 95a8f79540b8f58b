package io.kubechores.platform.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How to reach AWS: an endpoint override (demo, tests, VPC endpoints) or null for the real regional endpoints,
 * the base credentials (default chain: env, IRSA web identity, instance profile), and the role assumed per account.
 *
 * @param endpointOverride e.g. http://127.0.0.1:8089 (every service), null for AWS
 * @param baseCredentials  credentials used to call STS (or the APIs directly when roleArnPattern is null)
 * @param roleArnPattern   e.g. arn:aws:iam::{accountId}:role/kubechores, null = no AssumeRole
 * @param readOnly         a dry run's access: clients refuse every operation that is not a read (see {@link AwsClientFactory})
 */
public record AwsAccess(String endpointOverride, AwsCredentialsProvider baseCredentials, String roleArnPattern,
                        boolean readOnly) {
    public AwsAccess(String endpointOverride, AwsCredentialsProvider baseCredentials, String roleArnPattern) {
        this(endpointOverride, baseCredentials, roleArnPattern, false);
    }

    public AwsAccess asReadOnly() {
        return new AwsAccess(endpointOverride, baseCredentials, roleArnPattern, true);
    }
}
