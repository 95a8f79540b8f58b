package io.kubechores.platform.aws;

import com.github.tomakehurst.wiremock.WireMockServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * Amazon EKS on WireMock, speaking its REST-JSON protocol (EKS API Reference, DescribeCluster: GET /clusters/{name};
 * 200 {"cluster": {name, arn, createdAt, version, endpoint, roleArn, status, certificateAuthority: {data},
 * platformVersion, accessConfig: {authenticationMode}}}; an unknown name is HTTP 404 with the error type in the
 * x-amzn-ErrorType header and {"message": "No cluster found for name: NAME."}).
 */
public final class EksWireStubs {
    private final WireMockServer server;

    public EksWireStubs(WireMockServer server) {
        this.server = server;
    }

    public void cluster(String accountId, String region, String name, String endpoint, String caDataBase64) {
        String body = """
                {"cluster":{"name":"%s","arn":"arn:aws:eks:%s:%s:cluster/%s","createdAt":1.764839400E9,
                 "version":"1.33","endpoint":"%s","roleArn":"arn:aws:iam::%s:role/eks-cluster",
                 "resourcesVpcConfig":{"subnetIds":["subnet-0a1b2c3d"],"securityGroupIds":[],
                 "endpointPublicAccess":false,"endpointPrivateAccess":true},
                 "kubernetesNetworkConfig":{"serviceIpv4Cidr":"172.20.0.0/16","ipFamily":"ipv4"},
                 "status":"ACTIVE","certificateAuthority":{"data":"%s"},"platformVersion":"eks.9",
                 "accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"},"tags":{}}}
                """.formatted(name, region, accountId, name, endpoint, accountId, caDataBase64);
        server.stubFor(get(urlPathEqualTo("/clusters/" + name)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("x-amzn-RequestId", "req-describe-" + name)
                .withBody(body)));
    }

    public void noCluster(String name) {
        server.stubFor(get(urlPathEqualTo("/clusters/" + name)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.eks/")
                .withHeader("x-amzn-RequestId", "req-describe-" + name)
                .withBody("{\"message\":\"No cluster found for name: " + name + ".\"}")));
    }
}
