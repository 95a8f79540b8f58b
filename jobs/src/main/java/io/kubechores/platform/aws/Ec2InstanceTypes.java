package io.kubechores.platform.aws;

import software.amazon.awssdk.core.exception.SdkClientException;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EC2 DescribeInstanceTypes (API version 2016-11-15) as a Query call ({@link SignedAwsCall#query}) instead of the SDK's
 * 23 MB {@code ec2} module, for the one thing the quotas job reads: each type's default vCPUs.
 * Request: {@code Action=DescribeInstanceTypes&Version=2016-11-15&MaxResults=100[&NextToken=...]}.
 * Response (EC2 API reference, DescribeInstanceTypes / InstanceTypeInfo / VCpuInfo; element names as the SDK's own
 * model marshals them, software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesResponse 2.40.2:
 * instanceTypeSet/item, nextToken; VCpuInfo: defaultVCpus):
 * <pre>{@code
 * <DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
 *   <requestId>...</requestId>
 *   <instanceTypeSet>
 *     <item><instanceType>m6i.large</instanceType>...<vCpuInfo><defaultVCpus>2</defaultVCpus>
 *       <validCores><item>1</item></validCores></vCpuInfo>...</item>
 *   </instanceTypeSet>
 *   <nextToken>...</nextToken>            (absent or empty on the last page)
 * </DescribeInstanceTypesResponse>
 * }</pre>
 * Nested sets inside an item ({@code validCores/item}, {@code supportedUsageClasses/item}, ...) also use
 * {@code item}, so values are matched by their full path, never by element name alone.
 */
public final class Ec2InstanceTypes implements AutoCloseable {
    public static final String VERSION = "2016-11-15";
    static final String ACTION = "DescribeInstanceTypes";
    /** DescribeInstanceTypes' MaxResults range is 5..100. */
    static final int PAGE_SIZE = 100;

    private final SignedAwsCall query;

    public Ec2InstanceTypes(SignedAwsCall query) {
        this.query = query;
    }

    /** One page: type → default vCPUs (types without VCpuInfo left out), and the next page's token or null. */
    public record Page(Map<String, Integer> vcpus, String nextToken) {}

    /** Reads one page (nextToken null for the first). */
    public Page page(String nextToken) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MaxResults", Integer.toString(PAGE_SIZE));
        params.put("NextToken", nextToken);
        return parse(query.query(ACTION, VERSION, params));
    }

    /** Parses a DescribeInstanceTypesResponse body. */
    static Page parse(byte[] body) {
        Map<String, Integer> out = new LinkedHashMap<>();
        String token = null;
        try {
            XMLStreamReader r = SignedAwsCall.xml(body);
            List<String> path = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            String type = null;
            Integer vcpus = null;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    path.add(r.getLocalName());
                    if (path.size() == 1 && !path.getFirst().equals(ACTION + "Response")) {
                        throw SdkClientException.create("EC2 " + ACTION + " answered <" + path.getFirst()
                                + ">, not <" + ACTION + "Response>");
                    }
                    if (SignedAwsCall.at(path, "instanceTypeSet", "item")) {
                        type = null;
                        vcpus = null;
                    }
                    text.setLength(0);
                } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
                    text.append(r.getText());
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    String value = text.toString().strip();
                    if (SignedAwsCall.at(path, "instanceTypeSet", "item", "instanceType")) {
                        type = value;
                    } else if (SignedAwsCall.at(path, "instanceTypeSet", "item", "vCpuInfo", "defaultVCpus")) {
                        vcpus = integer(value);
                    } else if (SignedAwsCall.at(path, "instanceTypeSet", "item")) {
                        if (type != null && !type.isEmpty() && vcpus != null) out.put(type, vcpus);
                    } else if (SignedAwsCall.at(path, "nextToken")) {
                        token = value.isEmpty() ? null : value;
                    }
                    path.removeLast();
                    text.setLength(0);
                }
            }
        } catch (XMLStreamException e) {
            throw SdkClientException.create("EC2 " + ACTION + " answered no XML: " + e.getMessage(), e);
        }
        return new Page(out, token);
    }

    private static Integer integer(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        query.close();
    }
}
