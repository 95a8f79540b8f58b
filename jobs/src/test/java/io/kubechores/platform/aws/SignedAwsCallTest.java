package io.kubechores.platform.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SignedAwsCall and its two users without a network. EC2 DescribeInstanceTypes (API version 2016-11-15): EC2 API
 * reference, DescribeInstanceTypes,
 * InstanceTypeInfo and VCpuInfo; element names as the AWS SDK for Java 2.40.2 model marshals them
 * (DescribeInstanceTypesResponse: instanceTypeSet/item, nextToken; VCpuInfo: defaultVCpus, validCores/item). The
 * error shape is the "example error response" of "Error codes for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html): Response/Errors/Error/Code, Message,
 * RequestID.
 */
class SignedAwsCallTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A real-shaped item: nested sets use <item> too, and carry numbers that must not be taken for vCPUs. */
    static final String PAGE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>8d0bd3b4-7d71-4c4e-b1d5-c5bc7d2b8a4e</requestId>
                <instanceTypeSet>
                    <item>
                        <instanceType>m7i.metal-24xl</instanceType>
                        <currentGeneration>true</currentGeneration>
                        <supportedUsageClasses>
                            <item>on-demand</item>
                            <item>spot</item>
                        </supportedUsageClasses>
                        <processorInfo>
                            <supportedArchitectures><item>x86_64</item></supportedArchitectures>
                            <sustainedClockSpeedInGhz>3.2</sustainedClockSpeedInGhz>
                        </processorInfo>
                        <vCpuInfo>
                            <defaultVCpus>96</defaultVCpus>
                            <defaultCores>48</defaultCores>
                            <defaultThreadsPerCore>2</defaultThreadsPerCore>
                        </vCpuInfo>
                        <memoryInfo><sizeInMiB>393216</sizeInMiB></memoryInfo>
                    </item>
                    <item>
                        <instanceType>c7i-flex.4xlarge</instanceType>
                        <vCpuInfo>
                            <defaultVCpus>16</defaultVCpus>
                            <defaultCores>8</defaultCores>
                            <validCores><item>1</item><item>2</item><item>8</item></validCores>
                            <validThreadsPerCore><item>1</item><item>2</item></validThreadsPerCore>
                        </vCpuInfo>
                    </item>
                    <item>
                        <instanceType>no-vcpu-info.large</instanceType>
                    </item>
                </instanceTypeSet>
                <nextToken>AAEAAfXyz+/abc==</nextToken>
            </DescribeInstanceTypesResponse>
            """;

    @Test
    void readsTypeAndDefaultVcpusByPathNotByTheNestedItems() {
        Ec2InstanceTypes.Page page = Ec2InstanceTypes.parse(utf8(PAGE));

        assertThat(page.vcpus()).containsExactly(Map.entry("m7i.metal-24xl", 96), Map.entry("c7i-flex.4xlarge", 16));
        assertThat(page.nextToken()).isEqualTo("AAEAAfXyz+/abc==");
    }

    @Test
    void theLastPageHasNoOrAnEmptyNextToken() {
        String last = """
                <DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                  <requestId>r</requestId><instanceTypeSet/>
                </DescribeInstanceTypesResponse>""";
        assertThat(Ec2InstanceTypes.parse(utf8(last))).isEqualTo(new Ec2InstanceTypes.Page(Map.of(), null));
        String empty = last.replace("<instanceTypeSet/>", "<instanceTypeSet/><nextToken></nextToken>");
        assertThat(Ec2InstanceTypes.parse(utf8(empty)).nextToken()).isNull();
    }

    @Test
    void anotherDocumentOrNoXmlIsAnErrorNotAnEmptyRegion() {
        assertThatThrownBy(() -> Ec2InstanceTypes.parse(utf8("<DescribeInstancesResponse/>")))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("not <DescribeInstanceTypesResponse>");
        assertThatThrownBy(() -> Ec2InstanceTypes.parse(utf8("<html><body>proxy error")))
                .isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> Ec2InstanceTypes.parse(utf8("not xml at all")))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("no XML");
    }

    @Test
    void externalEntitiesAreNotResolved() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>
                <DescribeInstanceTypesResponse><instanceTypeSet><item><instanceType>&x;</instanceType>
                <vCpuInfo><defaultVCpus>2</defaultVCpus></vCpuInfo></item></instanceTypeSet></DescribeInstanceTypesResponse>""";
        assertThatThrownBy(() -> Ec2InstanceTypes.parse(utf8(xxe))).isInstanceOf(SdkClientException.class);
    }

    @Test
    void queryErrorsGiveCodeMessageAndRequestId() {
        String ec2 = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>""";
        assertThat(SignedAwsCall.parseError(utf8(ec2))).isEqualTo(new SignedAwsCall.QueryError("RequestLimitExceeded",
                "Request limit exceeded.", "ea966190-f9aa-478e-9ede-example"));
        String sts = """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>abc</RequestId></ErrorResponse>""";
        assertThat(SignedAwsCall.parseError(utf8(sts))).isEqualTo(new SignedAwsCall.QueryError("AccessDenied", "no", "abc"));
        assertThat(SignedAwsCall.parseError(utf8("<html>502 Bad Gateway"))).isEqualTo(new SignedAwsCall.QueryError(null, null, null));
    }

    /**
     * REST-JSON errors (EKS): the type is x-amzn-ErrorType's part before ':' (EKS answers
     * "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.eks/"), else the body's __type/code
     * (after '#'); the message is the body's message.
     */
    @Test
    void restJsonErrorsTakeTheTypeFromTheHeaderOrTheBody() {
        assertThat(SignedAwsCall.parseJsonError("ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.eks/",
                utf8("{\"message\":\"No cluster found for name: x.\"}"))).isEqualTo(
                new SignedAwsCall.QueryError("ResourceNotFoundException", "No cluster found for name: x.", null));
        assertThat(SignedAwsCall.parseJsonError(null, utf8("{\"__type\":\"com.amazonaws.eks#AccessDeniedException\","
                + "\"Message\":\"no\"}"))).isEqualTo(new SignedAwsCall.QueryError("AccessDeniedException", "no", null));
        assertThat(SignedAwsCall.parseJsonError(null, utf8("<html>"))).isEqualTo(new SignedAwsCall.QueryError(null, null, null));
    }

    /** EKS DescribeCluster's answer (EKS API reference, DescribeCluster / Cluster), the fields the connection needs. */
    @Test
    void describeClusterGivesEndpointCaAndStatus() {
        EksClusters.ApiEndpoint c = EksClusters.cluster(utf8("""
                {"cluster":{"name":"prod-1","arn":"arn:aws:eks:eu-central-1:111111111111:cluster/prod-1",
                 "createdAt":1.7648394E9,"version":"1.33","endpoint":"https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
                 "status":"ACTIVE","certificateAuthority":{"data":"LS0tLS1CRUdJTg=="},"platformVersion":"eks.9"}}"""));
        assertThat(c).isEqualTo(new EksClusters.ApiEndpoint("https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com",
                "LS0tLS1CRUdJTg==", "ACTIVE"));
        assertThat(EksClusters.cluster(utf8("{\"cluster\":{\"status\":\"CREATING\"}}")))
                .isEqualTo(new EksClusters.ApiEndpoint(null, null, "CREATING"));
    }

    @Test
    void theFormBodyIsRfc3986EncodedWithActionAndVersionFirst() {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("MaxResults", "100");
        params.put("NextToken", "AAEAAf+/x y==");
        params.put("Absent", null);
        assertThat(SignedAwsCall.body("DescribeInstanceTypes", "2016-11-15", params))
                .isEqualTo("Action=DescribeInstanceTypes&Version=2016-11-15&MaxResults=100&NextToken=AAEAAf%2B%2Fx%20y%3D%3D");
    }

    @Test
    void regionalHostsFollowThePartition() {
        assertThat(SignedAwsCall.host("ec2", "eu-central-1")).isEqualTo("ec2.eu-central-1.amazonaws.com");
        assertThat(SignedAwsCall.host("ec2", "cn-north-1")).isEqualTo("ec2.cn-north-1.amazonaws.com.cn");
    }
}
