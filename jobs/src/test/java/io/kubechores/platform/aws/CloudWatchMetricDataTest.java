package io.kubechores.platform.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GetMetricData's XML answer (CloudWatch API reference, GetMetricData / MetricDataResult: Timestamps[x] is the time of
 * Values[x]; NextToken on GetMetricDataResult when more pages follow; StatusCode Complete | PartialData | ...).
 */
class CloudWatchMetricDataTest {
    @Test
    void readsEverySeriesPairingTimestampsWithValuesAndTheNextToken() {
        String xml = """
                <GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
                  <GetMetricDataResult>
                    <MetricDataResults>
                      <member>
                        <Timestamps><member>2026-11-11T10:00:00Z</member><member>2026-11-12T10:00:00Z</member></Timestamps>
                        <StatusCode>PartialData</StatusCode>
                        <Values><member>40.0</member><member>44.5</member></Values>
                        <Id>q0</Id>
                        <Label>ResourceCount</Label>
                        <Messages/>
                      </member>
                      <member><Timestamps/><StatusCode>Complete</StatusCode><Values/><Id>q1</Id><Label>x</Label></member>
                    </MetricDataResults>
                    <NextToken>tok-2</NextToken>
                    <Messages/>
                  </GetMetricDataResult>
                  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
                </GetMetricDataResponse>
                """;
        CloudWatchMetricData.Page p = CloudWatchMetricData.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(p.series().get("q0")).containsExactly(
                Map.entry(Instant.parse("2026-11-11T10:00:00Z"), 40.0),
                Map.entry(Instant.parse("2026-11-12T10:00:00Z"), 44.5));
        assertThat(p.series().get("q1")).isEmpty();
        assertThat(p.nextToken()).isEqualTo("tok-2");
    }

    @Test
    void anotherDocumentIsRefused() {
        assertThatThrownBy(() -> CloudWatchMetricData.parse("<html/>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("not <GetMetricDataResponse>");
    }
}
