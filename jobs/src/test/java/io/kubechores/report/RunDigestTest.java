package io.kubechores.report;

import io.kubechores.core.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which rows the Slack digest carries and under which cluster (SlackBlockKitIT checks the payload on the wire). */
class RunDigestTest {
    static final List<String> PARTITIONS = List.of("prod-eu-1", "prod-eu-10", "111111111111/eu-central-1");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "prod-eu-1/apps/Deployment/web         | prod-eu-1",
            "prod-eu-10/apps/Deployment/web        | prod-eu-10",
            "prod-eu-1                             | prod-eu-1",
            "111111111111/eu-central-1/ec2/L-1216C47A | 111111111111/eu-central-1",
            "tool/loki                             | whole fleet",
            "prod-eu-100/apps/Deployment/web       | whole fleet"})
    void rowsGoUnderTheLongestPartitionThatPrefixesTheTarget(String target, String cluster) {
        assertThat(RunDigest.clusterOf(target, PARTITIONS)).isEqualTo(cluster);
    }

    // quotas' ask-human verdicts (QuotaDecision), promote's NEEDS_HUMAN reason (PromotionPlanner); FAILED is a failure
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ask-human  | SKIPPED | talk to AWS Support                 | true",
            "promote    | SKIPPED | needs a human: prod is ahead        | true",
            "promote    | SKIPPED | refused: soak: 2d remaining         | false",
            "scale-down | APPLIED | uptime ended                        | false",
            "ask-human  | FAILED  | the API call failed                 | false"})
    void needsAHuman(String verb, Action.Status status, String reason, boolean human) {
        assertThat(RunDigest.needsHuman(new Action("t", verb, "", reason, status))).isEqualTo(human);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a < b & c > d | a &lt; b &amp; c &gt; d", "*bold* `code` | *bold* `code`"})
    void mrkdwnEscapesOnlyItsThreeControlCharacters(String in, String out) {
        assertThat(RunDigest.esc(in)).isEqualTo(out);
    }
}
