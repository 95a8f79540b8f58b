package io.kubechores.platform.aws;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where S3Objects sends a request (Amazon S3 User Guide, "Virtual hosting of buckets": virtual-hosted style
 * https://BUCKET.s3.REGION.amazonaws.com/KEY; a bucket name with dots does not match the endpoint's wildcard TLS
 * certificate, so it goes path style https://s3.REGION.amazonaws.com/BUCKET/KEY; China regions end in
 * amazonaws.com.cn), with keys URI-encoded once per segment as SigV4 signs them for S3.
 */
class S3ObjectsTest {
    static S3Objects aws() {
        return new S3Objects(null, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
                "eu-west-1", Clock.systemUTC(), Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0} {1} in {2}")
    @CsvSource(delimiter = '|', value = {
            "acme-kops-state | c1/pki/private/kubernetes-ca/keyset.yaml | eu-west-1 | https://acme-kops-state.s3.eu-west-1.amazonaws.com/c1/pki/private/kubernetes-ca/keyset.yaml",
            "kops.acme.example | c1/pki/issued/ca/1.crt | us-east-2 | https://s3.us-east-2.amazonaws.com/kops.acme.example/c1/pki/issued/ca/1.crt",
            "acme-kops-state | a b+c/ü.yaml | eu-west-1 | https://acme-kops-state.s3.eu-west-1.amazonaws.com/a%20b%2Bc/%C3%BC.yaml",
            "acme-kops-cn | k | cn-north-1 | https://acme-kops-cn.s3.cn-north-1.amazonaws.com.cn/k",
    })
    void addressesTheBucketLikeTheSdks(String bucket, String key, String region, String url) {
        try (S3Objects s3 = aws()) {
            var req = s3.request(bucket, key, Map.of(), region);
            assertThat(req.uri().toString()).isEqualTo(url);
            assertThat(req.headers().firstValue("Authorization").orElseThrow())
                    .contains("/" + region + "/s3/aws4_request");
            assertThat(req.headers().firstValue("x-amz-content-sha256")).hasValue("UNSIGNED-PAYLOAD");
        }
    }

    @ParameterizedTest(name = "list {0}")
    @CsvSource(delimiter = '|', value = {
            "acme-kops-state | https://acme-kops-state.s3.eu-west-1.amazonaws.com/?list-type=2&prefix=c1%2Fpki%2F",
            "kops.acme.example | https://s3.eu-west-1.amazonaws.com/kops.acme.example?list-type=2&prefix=c1%2Fpki%2F",
    })
    void listsAtTheBucket(String bucket, String url) {
        try (S3Objects s3 = aws()) {
            var q = new java.util.LinkedHashMap<String, String>();
            q.put("list-type", "2");
            q.put("prefix", "c1/pki/");
            assertThat(s3.request(bucket, "", q, "eu-west-1").uri().toString()).isEqualTo(url);
        }
    }
}
