package io.kubechores.platform.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.kubechores.testkit.aws.AwsWireStubs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK's standard retry strategy as AwsCallPolicy configures it (issue 13: the SDK's retries instead of a
 * hand-rolled loop), against WireMock speaking Service Quotas' JSON 1.1 errors: throttling and 5xx are retried up to
 * maxAttempts, client errors are not. Which codes count as throttling is the SDK's list (it includes
 * TooManyRequestsException, ThrottlingException, Throttling, RequestLimitExceeded, 429).
 */
class AwsRetryIT {
    static final String A = "111111111111";
    static final String R = "eu-central-1";
    static WireMockServer wm;

    @BeforeAll
    static void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
        new AwsWireStubs(wm).assumeRole(A, "arn:aws:iam::" + A + ":role/kubechores");
    }

    static QuotasAws open(int maxAttempts) {
        AwsAccess access = new AwsAccess(wm.baseUrl(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBASE0000", "base-secret")),
                "arn:aws:iam::{accountId}:role/kubechores");
        AwsCallPolicy policy = new AwsCallPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(4), 0);
        return QuotasAws.open(new AwsClientFactory(access, "kubechores-test", policy), policy, A, R);
    }

    /** The first two answers fail with status/type, the third answers the quota. */
    static void failTwiceThenAnswer(int status, String type) {
        String s = "flaky";
        var fail = AwsWireStubs.json(status, type.isEmpty() ? "{}" : "{\"__type\":\"" + type + "\",\"message\":\"x\"}");
        wm.stubFor(AwsWireStubs.serviceQuotas("GetServiceQuota", A, R).inScenario(s)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("1").willReturn(fail));
        wm.stubFor(AwsWireStubs.serviceQuotas("GetServiceQuota", A, R).inScenario(s)
                .whenScenarioStateIs("1").willSetStateTo("2").willReturn(fail));
        wm.stubFor(AwsWireStubs.serviceQuotas("GetServiceQuota", A, R).inScenario(s).whenScenarioStateIs("2")
                .willReturn(AwsWireStubs.json(200, "{\"Quota\":{\"ServiceCode\":\"ec2\",\"QuotaCode\":\"L-1216C47A\","
                        + "\"QuotaName\":\"std\",\"Value\":64.0,\"Adjustable\":true}}")));
    }

    static int attempts() {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo(AwsWireStubs.SERVICE_QUOTAS_PREFIX + "GetServiceQuota"))).size();
    }

    @ParameterizedTest(name = "{0} {1}: retried {2}")
    @CsvSource({
            "400, TooManyRequestsException, true",
            "400, ThrottlingException, true",
            "429, '', true",
            "500, ServiceException, true",
            "503, '', true",
            "400, AccessDeniedException, false",
            "400, IllegalArgumentException, false",
            "400, QuotaExceededException, false",
            "400, DependencyAccessDeniedException, false",
    })
    void throttlingAndServerErrorsAreRetriedClientErrorsAreNot(int status, String type, boolean retried) {
        failTwiceThenAnswer(status, type);
        try (QuotasAws aws = open(4)) {
            if (retried) {
                assertThat(aws.quota("ec2", "L-1216C47A").value()).isEqualTo(64.0);
                assertThat(attempts()).isEqualTo(3);
            } else if (type.equals("DependencyAccessDeniedException")) {
                // not retried, and answered as a quota a human must unblock (QuotasAws.NEEDS_HUMAN)
                assertThat(aws.quota("ec2", "L-1216C47A").blocked()).startsWith("DependencyAccessDeniedException: x");
                assertThat(attempts()).isEqualTo(1);
            } else {
                assertThatThrownBy(() -> aws.quota("ec2", "L-1216C47A")).isInstanceOf(AwsServiceException.class);
                assertThat(attempts()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "maxAttempts {0}")
    @CsvSource({"1", "2"})
    void givesUpAfterMaxAttempts(int maxAttempts) {
        failTwiceThenAnswer(400, "TooManyRequestsException");
        try (QuotasAws aws = open(maxAttempts)) {
            assertThatThrownBy(() -> aws.quota("ec2", "L-1216C47A")).isInstanceOf(AwsServiceException.class)
                    .satisfies(e -> assertThat(AwsCalls.code((AwsServiceException) e)).isEqualTo("TooManyRequestsException"));
        }
        assertThat(attempts()).isEqualTo(maxAttempts);
    }
}
