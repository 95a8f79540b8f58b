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
 * @param externalIds      account id → ExternalId sent with AssumeRole for that account (none: no ExternalId)
 * @param sessionDuration  AssumeRole DurationSeconds; null = 1 hour
 */
public record AwsAccess(String endpointOverride, AwsCredentialsProvider baseCredentials, String roleArnPattern,
                        boolean readOnly, java.util.Map<String, String> externalIds,
                        java.time.Duration sessionDuration) {
    /** AWS STS accepts DurationSeconds from 900 (15 minutes) to 43200 (12 hours). */
    public static final java.time.Duration MIN_SESSION = java.time.Duration.ofMinutes(15);
    public static final java.time.Duration MAX_SESSION = java.time.Duration.ofHours(12);

    public AwsAccess {
        externalIds = externalIds == null ? java.util.Map.of() : java.util.Map.copyOf(externalIds);
        if (sessionDuration != null && (sessionDuration.compareTo(MIN_SESSION) < 0
                || sessionDuration.compareTo(MAX_SESSION) > 0)) {
            throw new IllegalArgumentException("AssumeRole session duration must be 900..43200 seconds, not "
                    + sessionDuration.toSeconds());
        }
    }

    public AwsAccess(String endpointOverride, AwsCredentialsProvider baseCredentials, String roleArnPattern) {
        this(endpointOverride, baseCredentials, roleArnPattern, false);
    }

    public AwsAccess(String endpointOverride, AwsCredentialsProvider baseCredentials, String roleArnPattern,
                     boolean readOnly) {
        this(endpointOverride, baseCredentials, roleArnPattern, readOnly, null, null);
    }

    public AwsAccess asReadOnly() {
        return new AwsAccess(endpointOverride, baseCredentials, roleArnPattern, true, externalIds, sessionDuration);
    }

    /** Never prints the credentials provider's or the external ids' contents. */
    @Override
    public String toString() {
        return "AwsAccess[endpointOverride=" + endpointOverride + ", roleArnPattern=" + roleArnPattern
                + ", readOnly=" + readOnly + ", externalIds for " + externalIds.keySet()
                + ", sessionDuration=" + sessionDuration + "]";
    }
}
