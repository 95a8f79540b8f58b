package io.kubechores.rightsize;

import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.rightsize.RightsizePlan.ContainerProposal;
import io.kubechores.rightsize.RightsizePlan.FieldChange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The proposal marker a closed PR is judged by, and the exact diffs printed by dry runs. */
class ProposalMarkerTest {
    static final SourceRef SRC = new SourceRef("apps/shop/cart.yaml", "manifest", "Deployment", "shop", "cart", null);

    static ContainerProposal proposal(String field, String from, String to, double pct) {
        return new ContainerProposal(SRC, "cart", "shop", List.of(), ResourceValues.NONE, ResourceValues.NONE,
                List.of(new FieldChange(field, from, to, pct)), List.of(), List.of(), 0);
    }

    @Test
    void roundTripsThroughAPrBody() {
        List<ContainerProposal> ps = List.of(proposal("requests.memory", "512Mi", "352Mi", -31.25),
                proposal("limits.cpu", "1", "700m", -30));
        String body = "## table\n\n" + ProposalMarker.render(ProposalMarker.values(ps))
                + "\n\n<!-- kubechores:topic=rightsize/apps-shop -->\n";
        assertThat(ProposalMarker.parse(body)).contains(Map.of(
                "apps/shop/cart.yaml#Deployment/cart|cart|requests.memory", "352Mi",
                "apps/shop/cart.yaml#Deployment/cart|cart|limits.cpu", "700m"));
        assertThat(ProposalMarker.parse("a body a human wrote")).isEmpty();
    }

    /** previous proposal 352Mi; now → moved %. A field not proposed before counts with its change against the source. */
    @ParameterizedTest
    @CsvSource({"requests.memory, 352Mi, 0", "requests.memory, 416Mi, 18", "requests.memory, 704Mi, 100",
            "requests.memory, 176Mi, 50", "requests.cpu, 300m, 40"})
    void moved(String field, String now, long expected) {
        Map<String, String> previous = Map.of("apps/shop/cart.yaml#Deployment/cart|cart|requests.memory", "352Mi");
        double moved = ProposalMarker.moved(previous, List.of(proposal(field, "500m", now, -40)));
        assertThat(Math.round(moved)).isEqualTo(expected);
    }

    @Test
    void diffShowsChangedLinesWithOneLineOfContextMergingNearbyHunks() {
        String before = "a\nb: 1\nc\nd\ne: 2\nf\ng\nh\ni\nj: 3\nk\n";
        String after = "a\nb: 9\nc\nd\ne: 8\nf\ng\nh\ni\nj: 7\nk\n";
        assertThat(Diffs.unified("x.yaml", before, after)).isEqualTo("""
                --- a/x.yaml
                +++ b/x.yaml
                @@ -1,6 +1,6 @@
                 a
                -b: 1
                +b: 9
                 c
                 d
                -e: 2
                +e: 8
                 f
                @@ -9,3 +9,3 @@
                 i
                -j: 3
                +j: 7
                 k
                """);
    }
}
