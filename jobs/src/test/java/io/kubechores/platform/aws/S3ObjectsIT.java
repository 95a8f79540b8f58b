package io.kubechores.platform.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kubechores.testkit.aws.S3Simulation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3Objects against a simulated S3 ({@link S3Simulation}: path-style REST, ListObjectsV2 XML, S3 error bodies,
 * SigV4 verified independently of the SDK). Facts encoded (Amazon S3 API Reference, 2006-03-01): ListObjectsV2 pages
 * hold at most 1,000 keys and continue with NextContinuationToken while IsTruncated; encoding-type=url returns keys
 * URL-encoded; a missing key is 404 NoSuchKey, a missing bucket 404 NoSuchBucket; a SigV4 request signed for another
 * region than the bucket's gets 400 AuthorizationHeaderMalformed with x-amz-bucket-region; S3 refuses requests more
 * than 15 minutes off the server's clock (RequestTimeTooSkewed).
 */
class S3ObjectsIT {
    static final String AK = "AKIAIOSFODNN7EXAMPLE";
    static final String SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static WireMockServer wire;
    static S3Simulation s3;

    @BeforeAll
    static void start() {
        s3 = new S3Simulation().credentials(AK, SK);
        wire = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(s3));
        wire.start();
        s3.install(wire);
        s3.bucket("kops-state-acme", "eu-west-1").bucket("elsewhere", "us-west-2");
        for (int i = 0; i < 7; i++) s3.put("kops-state-acme", "c1/pki/private/k" + i + "/keyset.yaml", "v" + i);
        s3.put("kops-state-acme", "c1/pki/issued/with space+plus ü/1.crt", "odd");
        s3.put("kops-state-acme", "c2/config", "other cluster");
        s3.put("elsewhere", "c1/pki/private/kubernetes-ca/keyset.yaml", "far");
        s3.deny("kops-state-acme", "secret/");
    }

    @AfterAll
    static void stop() {
        wire.stop();
    }

    @BeforeEach
    void smallPages() {
        s3.pageSize(3);
        wire.resetRequests();
    }

    static S3Objects client(String region) {
        return new S3Objects(wire.baseUrl(), StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK)),
                region, Clock.systemUTC(), Duration.ofSeconds(5));
    }

    @Test
    void listsEveryPageWithThePrefixAndDecodesUrlEncodedKeys() {
        try (S3Objects c = client("eu-west-1")) {
            List<String> keys = c.list("kops-state-acme", "c1/pki/").stream().map(S3Objects.ObjectInfo::key).toList();
            assertThat(keys).hasSize(8).contains("c1/pki/issued/with space+plus ü/1.crt",
                    "c1/pki/private/k0/keyset.yaml").doesNotContain("c2/config");
            // 8 keys, 3 per page: three ListObjectsV2 calls, path style, the second and third with the token
            wire.verify(3, getRequestedFor(urlPathEqualTo("/kops-state-acme")));
            wire.verify(2, getRequestedFor(urlPathEqualTo("/kops-state-acme"))
                    .withQueryParam("continuation-token", matching(".+")));
        }
    }

    @Test
    void getsAnObjectAndAMissingKeyIsEmpty() {
        try (S3Objects c = client("eu-west-1")) {
            assertThat(c.get("kops-state-acme", "c1/pki/issued/with space+plus ü/1.crt", 1024))
                    .hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("odd"));
            assertThat(c.get("kops-state-acme", "c1/pki/private/nope/keyset.yaml", 1024)).isEmpty();
        }
    }

    @Test
    void errorsCarryS3sCodeAndMessage() {
        try (S3Objects c = client("eu-west-1")) {
            assertThatThrownBy(() -> c.list("no-such-bucket", "c1/")).isInstanceOfSatisfying(S3Objects.S3Exception.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.code()).isEqualTo("NoSuchBucket");
                        assertThat(e.getMessage()).contains("The specified bucket does not exist");
                    });
            assertThatThrownBy(() -> c.get("kops-state-acme", "secret/x", 1024))
                    .isInstanceOfSatisfying(S3Objects.S3Exception.class, e -> assertThat(e.code()).isEqualTo("AccessDenied"));
            assertThatThrownBy(() -> c.get("kops-state-acme", "c1/pki/private/k1/keyset.yaml", 1))
                    .hasMessageContaining("larger than 1 bytes");
        }
    }

    @Test
    void followsTheBucketsRegionOnce() {
        try (S3Objects c = client("eu-west-1")) {
            assertThat(c.get("elsewhere", "c1/pki/private/kubernetes-ca/keyset.yaml", 1024)).isPresent();
            wire.verify(2, getRequestedFor(urlPathEqualTo("/elsewhere/c1/pki/private/kubernetes-ca/keyset.yaml")));
        }
    }

    @Test
    void aWrongSecretOrAStaleClockIsRefusedBySigV4() {
        try (S3Objects wrong = new S3Objects(wire.baseUrl(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, "not-the-secret")), "eu-west-1",
                Clock.systemUTC(), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> wrong.list("kops-state-acme", "c1/"))
                    .isInstanceOfSatisfying(S3Objects.S3Exception.class,
                            e -> assertThat(e.code()).isEqualTo("SignatureDoesNotMatch"));
        }
        // a planning clock (--at) must never sign: S3 refuses signatures more than 15 minutes off
        try (S3Objects stale = new S3Objects(wire.baseUrl(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK)), "eu-west-1",
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> stale.list("kops-state-acme", "c1/"))
                    .isInstanceOfSatisfying(S3Objects.S3Exception.class,
                            e -> assertThat(e.code()).isEqualTo("RequestTimeTooSkewed"));
        }
    }

    @Test
    void sessionCredentialsSendTheirToken() {
        try (S3Objects c = new S3Objects(wire.baseUrl(), StaticCredentialsProvider.create(
                AwsSessionCredentials.create(AK, SK, "FwoGZXIvYXdzEXAMPLETOKEN")), "eu-west-1", Clock.systemUTC(),
                Duration.ofSeconds(5))) {
            assertThat(c.list("kops-state-acme", "c2/")).extracting(S3Objects.ObjectInfo::key)
                    .containsExactly("c2/config");
            wire.verify(getRequestedFor(urlPathEqualTo("/kops-state-acme"))
                    .withHeader("X-Amz-Security-Token", matching("FwoGZXIvYXdzEXAMPLETOKEN")));
        }
    }

    @Test
    void parsesStateStoreUrls() {
        assertThat(S3Objects.Location.parse("s3://kops-state-acme")).isEqualTo(new S3Objects.Location("kops-state-acme", ""));
        assertThat(S3Objects.Location.parse("s3://kops-state-acme/team/a/").key("c1"))
                .isEqualTo("team/a/c1");
        assertThatThrownBy(() -> S3Objects.Location.parse("gs://bucket")).hasMessageContaining("not an s3:// URL");
        assertThatThrownBy(() -> S3Objects.Location.parse("s3://Bad_Bucket")).hasMessageContaining("bucket name");
    }
}
