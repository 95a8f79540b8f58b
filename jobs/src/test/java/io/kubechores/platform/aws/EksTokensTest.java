package io.kubechores.platform.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The EKS token format, checked against the algorithm aws-iam-authenticator documents and implements
 * (kubernetes-sigs/aws-iam-authenticator, pkg/token/token.go: GetWithSTS makes the token, tokenVerifier.Verify
 * checks it; README "API Authorization from Outside a Cluster"): "k8s-aws-v1." + base64url (no padding) of a
 * presigned STS GetCallerIdentity URL on the regional STS host, x-k8s-aws-id signed, X-Amz-Expires=60, valid 15 minutes
 * after X-Amz-Date (the authenticator reports expiry one minute earlier).
 */
class EksTokensTest {
    static final Instant NOW = Instant.parse("2026-12-04T18:30:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final AwsCredentials CREDS = AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    @Test
    void tokenIsThePresignedGetCallerIdentityUrlBase64UrlEncodedWithoutPadding() {
        EksTokens.EksToken t = EksTokens.create("prod-eu-1", "eu-central-1", CREDS, CLOCK);

        assertThat(t.value()).startsWith("k8s-aws-v1.");
        String b64 = t.value().substring("k8s-aws-v1.".length());
        assertThat(b64).doesNotContain("=").doesNotContain("+").doesNotContain("/");
        URI url = EksTokenVerifier.decode(t.value());
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getHost()).isEqualTo("sts.eu-central-1.amazonaws.com");
        assertThat(url.getPath()).isEqualTo("/");
        Map<String, String> q = EksTokenVerifier.query(url);
        assertThat(q).containsEntry("Action", "GetCallerIdentity")
                .containsEntry("Version", "2011-06-15")
                .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsEntry("X-Amz-Expires", "60")
                .containsEntry("X-Amz-Date", "20261204T183000Z")
                .containsEntry("X-Amz-Credential", "AKIDEXAMPLE/20261204/eu-central-1/sts/aws4_request");
        assertThat(q.get("X-Amz-SignedHeaders").split(";")).containsExactly("host", "x-k8s-aws-id");
        assertThat(q.keySet()).allSatisfy(k -> assertThat(EksTokenVerifier.WHITELIST).contains(k.toLowerCase()));
        // the authenticator's maxTokenLenBytes
        assertThat(t.value().length()).isLessThanOrEqualTo(4096);
        assertThat(t.toString()).doesNotContain(b64);
    }

    @Test
    void tokenExpiresFourteenMinutesAfterSigningLikeTheAuthenticatorReportsIt() {
        EksTokens.EksToken t = EksTokens.create("prod-eu-1", "eu-central-1", CREDS, CLOCK);
        assertThat(t.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(14)));
        assertThat(t.usableAt(NOW.plus(Duration.ofMinutes(13)))).isTrue();
        assertThat(t.usableAt(NOW.plus(Duration.ofMinutes(14)))).isFalse();
    }

    @Test
    void signatureVerifiesForTheClusterItWasMadeForOnly() {
        String token = EksTokens.create("prod-eu-1", "eu-central-1", CREDS, CLOCK).value();
        EksTokenVerifier forProd = new EksTokenVerifier("prod-eu-1", k -> k.equals("AKIDEXAMPLE") ? CREDS : null, CLOCK);
        EksTokenVerifier forStaging = new EksTokenVerifier("staging-eu-1", k -> CREDS, CLOCK);

        assertThat(forProd.verify(token)).isEqualTo("AKIDEXAMPLE");
        assertThatThrownBy(() -> forStaging.verify(token)).hasMessageContaining("SignatureDoesNotMatch");
        EksTokenVerifier otherSecret = new EksTokenVerifier("prod-eu-1",
                k -> AwsBasicCredentials.create("AKIDEXAMPLE", "another-secret"), CLOCK);
        assertThatThrownBy(() -> otherSecret.verify(token)).hasMessageContaining("SignatureDoesNotMatch");
    }

    @Test
    void stsRejectsTheUrlFifteenMinutesAfterItsDate() {
        String token = EksTokens.create("prod-eu-1", "eu-central-1", CREDS, CLOCK).value();
        Clock later = Clock.fixed(NOW.plus(Duration.ofMinutes(15)).plusSeconds(1), ZoneOffset.UTC);
        assertThatThrownBy(() -> new EksTokenVerifier("prod-eu-1", k -> CREDS, later).verify(token))
                .hasMessageContaining("expired");
    }

    @Test
    void sessionCredentialsCarryTheirSecurityTokenInTheSignedUrl() {
        AwsCredentials session = AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "FwoGZXIvYXdzE+/session=");
        String token = EksTokens.create("prod-eu-1", "eu-central-1", session, CLOCK).value();
        assertThat(EksTokenVerifier.query(EksTokenVerifier.decode(token)))
                .containsEntry("X-Amz-Security-Token", "FwoGZXIvYXdzE+/session=");
        assertThat(new EksTokenVerifier("prod-eu-1", k -> session, CLOCK).verify(token)).isEqualTo("ASIAEXAMPLE");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "eu-central-1, sts.eu-central-1.amazonaws.com",
            "us-east-1, sts.us-east-1.amazonaws.com",
            "cn-north-1, sts.cn-north-1.amazonaws.com.cn"})
    void regionalStsHost(String region, String host) {
        assertThat(EksTokens.stsHost(region)).isEqualTo(host);
        assertThat(EksTokenVerifier.decode(EksTokens.create("c", region, CREDS, CLOCK).value()).getHost()).isEqualTo(host);
    }
}
