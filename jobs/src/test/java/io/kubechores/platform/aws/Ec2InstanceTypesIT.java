package io.kubechores.platform.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.kubechores.testkit.aws.AwsWireStubs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EC2 DescribeInstanceTypes sent without the SDK's ec2 module (SignedAwsCall + Ec2InstanceTypes) against WireMock
 * answering EC2's Query wire format: SigV4 with the assumed role's session credentials (X-Amz-Security-Token is
 * signed), the form body, the SDK's standard retry strategy on EC2's throttling code RequestLimitExceeded ("Request
 * throttling for the Amazon EC2 API", EC2 developer guide; the code is in the SDK's throttling list), no retry on
 * UnauthorizedOperation, and the error's Code/Message/RequestID as an AwsServiceException
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html, example error response).
 */
class Ec2InstanceTypesIT {
    static final String A = "111111111111";
    static final String R = "eu-central-1";
    static WireMockServer wm;
    AwsWireStubs aws;

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
        aws = new AwsWireStubs(wm);
        aws.assumeRole(A, "arn:aws:iam::" + A + ":role/kubechores");
    }

    static QuotasAws open(int maxAttempts) {
        AwsAccess access = new AwsAccess(wm.baseUrl(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBASE0000", "base-secret")),
                "arn:aws:iam::{accountId}:role/kubechores");
        AwsCallPolicy policy = new AwsCallPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(4), 0);
        return QuotasAws.open(new AwsClientFactory(access, "kubechores-test", policy), policy, A, R);
    }

    static int calls() {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstanceTypes")))
                .size();
    }

    @Test
    void signsWithTheAssumedRolesSessionAndFollowsPages() {
        aws.instanceTypes(A, R, Map.of("m6i.large", 2, "m6i.2xlarge", 8, "c7i-flex.4xlarge", 16), 2);

        try (QuotasAws q = open(3)) {
            assertThat(q.instanceTypes()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("m6i.large", 2, "m6i.2xlarge", 8, "c7i-flex.4xlarge", 16));
        }
        var requests = wm.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstanceTypes")));
        assertThat(requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(r.getBodyAsString()).startsWith("Action=DescribeInstanceTypes&Version=2016-11-15&MaxResults=100");
            // the STS stub's session token (assumed role) is sent and signed
            assertThat(r.getHeader("X-Amz-Security-Token")).isNotBlank();
            assertThat(r.getHeader("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + AwsWireStubs.accessKeyFor(A)
                    + "/").contains("/" + R + "/ec2/aws4_request", "x-amz-security-token");
        });
    }

    @Test
    void throttlingIsRetriedByTheSdkStrategy() {
        String throttled = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>req-throttled</RequestID></Response>""";
        wm.stubFor(AwsWireStubs.ec2("DescribeInstanceTypes", A, R).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("ok").willReturn(aResponse().withStatus(503).withBody(throttled)).atPriority(1));
        aws.instanceTypes(A, R, Map.of("m6i.large", 2), 100);
        // after the throttled answer the scenario moves on and the normal stub answers
        wm.stubFor(AwsWireStubs.ec2("DescribeInstanceTypes", A, R).inScenario("t").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("<DescribeInstanceTypesResponse><instanceTypeSet><item>"
                        + "<instanceType>m6i.large</instanceType><vCpuInfo><defaultVCpus>2</defaultVCpus></vCpuInfo>"
                        + "</item></instanceTypeSet></DescribeInstanceTypesResponse>")).atPriority(1));

        try (QuotasAws q = open(3)) {
            assertThat(q.instanceTypes()).containsExactly(Map.entry("m6i.large", 2));
        }
        assertThat(calls()).isEqualTo(2);
    }

    @Test
    void throttlingUntilAttemptsRunOutSurfacesTheLastError() {
        wm.stubFor(AwsWireStubs.ec2("DescribeInstanceTypes", A, R).willReturn(aResponse().withStatus(503).withBody(
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
                        + "</Error></Errors><RequestID>req-t</RequestID></Response>")));

        try (QuotasAws q = open(3)) {
            assertThatThrownBy(q::instanceTypes).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(AwsCalls.code(e)).isEqualTo("RequestLimitExceeded");
                assertThat(e.isThrottlingException()).isTrue();
                assertThat(e.requestId()).isEqualTo("req-t");
            });
        }
        assertThat(calls()).isEqualTo(3);
    }

    @Test
    void unauthorizedIsNotRetriedAndKeepsCodeAndMessage() {
        aws.instanceTypesDenied(A, R);

        try (QuotasAws q = open(3)) {
            assertThatThrownBy(q::instanceTypes).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(AwsCalls.code(e)).isEqualTo("UnauthorizedOperation");
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorMessage()).startsWith("You are not authorized to perform this operation.");
                assertThat(QuotasAws.describe(e)).startsWith("UnauthorizedOperation: You are not authorized");
            });
        }
        assertThat(calls()).isEqualTo(1);
    }
}
