package io.kubechores.platform.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How to reach AWS: an endpoint override (demo, tests, VPC endpoints) or null for the real regional endpoints,
 * the base credentials (default chain: env, IRSA web identity, instance profile), and the role assumed per account.
 *
 * @param endpointOverride e.g. http://127.0.0.1:8089 (every service), null for AWS
 * @param baseCredentials  credentials used to call STS (or the APIs directly when roleArnPattern is null)
 * @param roleArnPattern   e.g. arn:aws:iam::{accountId}:role/kubechores, null = no AssumeRole
 */
public record AwsAccess(String endpointOverride, AwsCredentialsProvider baseCredentials, String roleArnPattern) {
}
